package org.jgroups.abcast.core;

import java.util.ArrayDeque;

/** The leader's knowledge of one follower's log, and the flow control of the stream to it. */
final class FollowerProgress {
    enum State {
        /** Position unknown: send one append at a time until one is accepted. */
        PROBE,
        /** Position known: stream appends, up to maxInflight unacknowledged ones. */
        REPLICATE,
        /** The follower needs entries the leader compacted away: waiting for a snapshot transfer. */
        SNAPSHOT,
        /** The follower fetches committed history in bulk from other members: only heartbeats from the leader. */
        BULK
    }

    State state = State.PROBE;
    /** Highest index known to be durable on the follower and to match the leader's log (counts toward commit). */
    long match;
    /** Highest index known to match (not necessarily durable yet). */
    long accepted;
    /** Next index to send. */
    long next;
    /** Last index of each append with entries not yet acknowledged, oldest first. */
    final ArrayDeque<Long> inflight = new ArrayDeque<>();
    boolean probeOutstanding;
    /** Commit index last sent, so that a commit advance reaches an idle follower at once. */
    long sentCommit = -1;
    /** Heard from since the last quorum check. */
    boolean recentlyActive;
    /** Whether it answered during the previous check-quorum period (recentlyActive is reset at every check). */
    boolean activeAtLastCheck;
    /** The storage id the follower last reported; differs from the configuration's after a disk loss. */
    String reportedStorage;
    /** Heartbeat rounds without progress while appends are in flight (a lost message): fall back to probing. */
    int stalledRounds;
    long acceptedAtLastHeartbeat;
    int ticksInSnapshot;

    FollowerProgress(long next) {
        this.next = next;
    }

    void becomeProbe() {
        state = State.PROBE;
        next = Math.max(next, accepted + 1);
        inflight.clear();
        probeOutstanding = false;
        stalledRounds = 0;
    }

    void probeAt(long nextIndex) {
        becomeProbe();
        next = Math.max(match + 1, nextIndex);
    }

    /** The follower no longer holds what it accepted above index (it restarted before making it durable). */
    void forgetAcceptedAbove(long index) {
        accepted = Math.max(match, Math.min(accepted, index));
    }

    void enterBulk() {
        state = State.BULK;
        inflight.clear();
        probeOutstanding = false;
        stalledRounds = 0;
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        // Restart the stream right after what is known to match: appends sent while probing may have been lost.
        next = accepted + 1;
        inflight.clear();
        probeOutstanding = false;
        stalledRounds = 0;
    }

    void acknowledge(long acceptedIndex) {
        if (acceptedIndex > accepted) accepted = acceptedIndex;
        while (!inflight.isEmpty() && inflight.peekFirst() <= accepted) inflight.pollFirst();
    }

    boolean canSend(int maxInflight) {
        return switch (state) {
            case PROBE -> !probeOutstanding;
            case REPLICATE -> inflight.size() < maxInflight;
            case SNAPSHOT, BULK -> false;
        };
    }

    @Override
    public String toString() {
        return state + "{match=" + match + " accepted=" + accepted + " next=" + next + " inflight=" + inflight.size() + "}";
    }
}
