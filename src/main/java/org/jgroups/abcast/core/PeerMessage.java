package org.jgroups.abcast.core;

import java.util.List;

/** The messages members exchange. The adapter serializes them; the engine never sees bytes on the wire. */
public sealed interface PeerMessage {
    String from();

    String to();

    long term();

    /**
     * A candidate asks for a vote. With preVote it only asks whether the receiver would vote for it in term, without
     * anybody changing their term, so that a member cut off from the leader cannot disrupt the cluster.
     */
    record VoteRequest(String from, String to, long term, boolean preVote, long lastIndex, long lastTerm)
        implements PeerMessage {
    }

    /** storageId lets the candidate ignore a vote from a member whose disk is not the one in the configuration. */
    record VoteResponse(String from, String to, long term, boolean preVote, boolean granted, String storageId)
        implements PeerMessage {
    }

    /**
     * The leader's replication stream: entries following (prevIndex, prevTerm), plus the leader's commit index.
     * prevIndex = -1 marks a pure heartbeat that carries no log position (used when the follower's position is not
     * yet known); it only renews the leader's lease.
     */
    record AppendRequest(String from, String to, long term, long prevIndex, long prevTerm, List<Entry> entries,
                         long commitIndex) implements PeerMessage {
        public AppendRequest {
            entries = List.copyOf(entries);
        }

        public long lastIndex() {
            return entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
        }
    }

    /**
     * A follower's answer. On success, acceptedIndex is the highest index known to match the leader's log and
     * durableIndex the highest of those that is on the follower's disk (only that one counts toward commit). On
     * rejection, rejectedIndex is the prevIndex that did not match and hintIndex where the leader should probe next.
     * catchingUp: the follower is fetching committed history in bulk (recovery layer); the leader holds back.
     */
    record AppendResponse(String from, String to, long term, boolean success, long acceptedIndex, long durableIndex,
                          long rejectedIndex, long hintIndex, String storageId, boolean catchingUp)
        implements PeerMessage {
    }

    /** A member hands its own submissions to the leader. Resent until they are seen committed. */
    record ForwardRequest(String from, String to, long term, long incarnation, List<Submission> submissions)
        implements PeerMessage {
        public ForwardRequest {
            submissions = List.copyOf(submissions);
        }
    }

    record Submission(long sequence, byte[] payload) {
    }

    /**
     * A member that is not in the configuration with its current storage asks to be added (sent to the leader if
     * known, else to every member it sees). The leader adds it as a learner and promotes it once caught up.
     */
    record JoinRequest(String from, String to, long term, String storageId) implements PeerMessage {
    }

    /** A member shutting down asks the leader to remove it from the configuration before it goes. */
    record LeaveRequest(String from, String to, long term) implements PeerMessage {
    }
}
