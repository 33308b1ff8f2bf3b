package org.jgroups.abcast.log;

import java.util.Objects;

/**
 * One entry of the replicated log: its position ({@code index}, starting at 1), the term in which it was created
 * and an opaque payload. The log never interprets the payload.
 * <p>
 * The payload array is not copied; callers must not modify it after handing it to the log.
 */
public record LogRecord(long index, long term, byte[] payload) {
    public LogRecord {
        Objects.requireNonNull(payload, "payload");
        if (index < 1)
            throw new IllegalArgumentException("index must be >= 1: " + index);
        if (term < 0)
            throw new IllegalArgumentException("term must be >= 0: " + term);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord r && r.index == index && r.term == term
          && java.util.Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, java.util.Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LogRecord[index=" + index + ", term=" + term + ", payload=" + payload.length + " bytes]";
    }
}
