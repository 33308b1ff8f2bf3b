package org.jgroups.abcast.log;

import java.util.Objects;

/**
 * A member's persistent identity and voting state.
 *
 * @param currentTerm the latest term this member has seen
 * @param votedFor    the member voted for in {@code currentTerm}, or null
 * @param memberId    the member this data directory belongs to
 * @param clusterId   the cluster this data directory belongs to
 * @param storageId   random id given to the directory when it was created; a new one means the state was lost
 * @param incarnation how many times the directory was opened
 */
public record Metadata(long currentTerm, String votedFor, String memberId, String clusterId, String storageId,
                       long incarnation) {
    public Metadata {
        if (currentTerm < 0 || incarnation < 0)
            throw new IllegalArgumentException("term and incarnation must be >= 0: " + currentTerm + ", " + incarnation);
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(storageId, "storageId");
    }

    public Metadata withTermAndVote(long term, String vote) {
        return new Metadata(term, vote, memberId, clusterId, storageId, incarnation);
    }

    public Metadata withIncarnation(long inc) {
        return new Metadata(currentTerm, votedFor, memberId, clusterId, storageId, inc);
    }
}
