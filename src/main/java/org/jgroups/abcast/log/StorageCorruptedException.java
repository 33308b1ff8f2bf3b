package org.jgroups.abcast.log;

import java.io.IOException;

/** Stored state failed its integrity checks (checksum, framing or ordering) and must not be used. */
public class StorageCorruptedException extends IOException {
    public StorageCorruptedException(String message) {
        super(message);
    }
}
