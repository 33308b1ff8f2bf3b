package org.jgroups.abcast.core;

/**
 * Deliberate protocol bugs, used ONLY by the simulation tests to prove that the independent checker catches broken
 * variants of the protocol. Production code never sets them; {@link EngineOptions} logs nothing about them because
 * nothing outside tests can reach them without editing code.
 */
public enum UnsafeTestMutation {
    /** The leader commits an entry as soon as it alone has it durably (no majority). */
    COMMIT_WITHOUT_MAJORITY,
    /** Votes are granted without checking that the candidate's log is at least as up to date. */
    VOTE_FOR_STALE_LOG,
    /** Followers deliver entries as soon as they receive them, before they are committed. */
    DELIVER_BEFORE_COMMIT,
    /** Followers acknowledge entries as durable before the disk write completed. */
    ACK_BEFORE_DURABLE,
    /** The leader appends every submission, even one it already has (no exactly-once). */
    NO_DEDUPLICATION
}
