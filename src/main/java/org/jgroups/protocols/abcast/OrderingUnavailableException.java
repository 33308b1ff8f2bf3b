package org.jgroups.protocols.abcast;

/**
 * Thrown by {@code JChannel.send()} (through {@link ABCAST#down(org.jgroups.Message)}) when a multicast could not be
 * accepted for total order: no leader or no majority answered within {@code send_timeout} (this member may be in a
 * minority partition), ABCAST is not running, or the sending thread was interrupted while waiting for room in the
 * in-flight window. The message was NOT accepted: it will not be delivered, and the application may retry it.
 */
public class OrderingUnavailableException extends RuntimeException {
    public OrderingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public OrderingUnavailableException(String message) {
        super(message);
    }
}
