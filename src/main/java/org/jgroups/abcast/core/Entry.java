package org.jgroups.abcast.core;

import java.util.Objects;

/**
 * One position of the replicated log.
 *
 * <p>{@code origin}, {@code incarnation} and {@code sequence} identify the submission of a DATA entry: the member that
 * submitted it, the life of that member's process (persisted, incremented on every start) and the per-life submission
 * number (1, 2, ...). The leader appends a given (origin, incarnation, sequence) at most once, which is what makes
 * resubmission after a leader change safe. For NOOP and CONFIG entries origin is the leader and sequence is 0.
 *
 * <p>The payload array is never modified after construction; it is shared, not copied, for speed.
 */
public record Entry(long index, long term, EntryType type, String origin, long incarnation, long sequence,
                    byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
        if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(payload, "payload");
    }

    public static Entry noop(long index, long term, String leader) {
        return new Entry(index, term, EntryType.NOOP, leader, 0, 0, EMPTY);
    }

    public static Entry config(long index, long term, String leader, Configuration config) {
        return new Entry(index, term, EntryType.CONFIG, leader, 0, 0, config.encode());
    }

    /** The configuration carried by a CONFIG entry. */
    public Configuration configuration() {
        if (type != EntryType.CONFIG) throw new IllegalStateException("not a config entry: " + this);
        return Configuration.decode(payload);
    }

    /** Approximate size used for batching limits: payload plus a fixed header allowance. */
    public int sizeEstimate() {
        return payload.length + 48 + origin.length();
    }

    @Override
    public String toString() {
        return "Entry{" + index + "@" + term + " " + type + " " + origin + "/" + incarnation + "#" + sequence
            + " " + payload.length + "B}";
    }
}
