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
    /** The change makes no sense for the current configuration (unknown member, nothing to change, last voter). */
    INVALID
}
