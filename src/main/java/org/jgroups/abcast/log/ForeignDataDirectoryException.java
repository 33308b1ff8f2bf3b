package org.jgroups.abcast.log;

import java.io.IOException;

/** A data directory was opened by a member or cluster it does not belong to. */
public class ForeignDataDirectoryException extends IOException {
    public ForeignDataDirectoryException(String message) {
        super(message);
    }
}
