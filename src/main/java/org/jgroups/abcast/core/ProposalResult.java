package org.jgroups.abcast.core;

/** The answer to {@link Engine#propose(ConfigChange)}. */
public enum ProposalResult {
    ACCEPTED,
    /** Only the leader changes the configuration. */
    NOT_LEADER,
    /** The leader has not yet committed an entry of its own term, so it cannot know the committed configuration. */
    LEADER_NOT_READY,
    /** A previous change is not committed yet; changes are made one at a time. */
    CHANGE_IN_PROGRESS,
    /**
     * The voters of the new configuration would not include a majority that is answering now, so the change could
     * not commit and would leave the cluster unable to make progress (e.g. removing a member while another is down).
     */
    NO_LIVE_QUORUM,
    /** The change makes no sense for the current configuration (unknown member, nothing to change, last voter). */
    INVALID
}
