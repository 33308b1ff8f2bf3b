package org.jgroups.abcast.core;

/** What a log entry carries. Only {@link #DATA} entries are application messages. */
public enum EntryType {
    /** An application message submitted by a member. */
    DATA,
    /** Appended by every new leader so that it can commit an entry of its own term (Raft, section 5.4.2). */
    NOOP,
    /** The full cluster configuration that takes effect from this entry on. */
    CONFIG;

    private static final EntryType[] VALUES = values();

    public static EntryType ofOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length)
            throw new IllegalArgumentException("unknown entry type " + ordinal);
        return VALUES[ordinal];
    }
}
