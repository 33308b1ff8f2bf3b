package org.jgroups.abcast.replica;

/**
 * {@link Replica#submit} waited {@code sendTimeoutMillis} for room in the in-flight window and got none: no leader is
 * known, or no majority acknowledges (this member may be in a minority partition). The message was NOT accepted.
 */
public class SubmitTimeoutException extends Exception {
    public SubmitTimeoutException(String message) {
        super(message);
    }
}
