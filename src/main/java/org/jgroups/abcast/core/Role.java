package org.jgroups.abcast.core;

public enum Role {
    FOLLOWER,
    /** Asking voters whether they would vote, without raising the term (pre-vote keeps partitioned members from disrupting). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
