package org.jgroups.abcast.log;

import java.util.Arrays;
import java.util.Objects;

/** The application state after applying every record up to {@code index} (whose term is {@code term}). */
public record Snapshot(long index, long term, byte[] data) {
    public Snapshot {
        Objects.requireNonNull(data, "data");
        if (index < 0 || term < 0)
            throw new IllegalArgumentException("index and term must be >= 0: " + index + ", " + term);
    }

    public LogPosition position() {
        return new LogPosition(index, term);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && s.index == index && s.term == term && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "Snapshot[index=" + index + ", term=" + term + ", data=" + data.length + " bytes]";
    }
}
