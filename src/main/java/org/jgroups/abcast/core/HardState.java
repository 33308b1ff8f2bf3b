package org.jgroups.abcast.core;

/**
 * The election state that must be durable before any message of the step that changed it is sent: a member that
 * forgot its vote could vote twice in one term and let two leaders be elected.
 *
 * @param term     the highest term this member has seen
 * @param votedFor the member this member voted for in {@code term}, or null
 */
public record HardState(long term, String votedFor) {
    public static final HardState INITIAL = new HardState(0, null);

    public HardState {
        if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
    }
}
