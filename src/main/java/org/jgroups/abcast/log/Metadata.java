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
 * @param clusterUuid the identity of the cluster this member belongs to: created when the cluster was bootstrapped,
 *                    learnt from its leader by every member that joined; null while the member belongs to none yet.
 *                    Two clusters with the same name (bootstrapped twice) have different ones.
 */
public record Metadata(long currentTerm, String votedFor, String memberId, String clusterId, String storageId,
                       long incarnation, String clusterUuid) {
    public Metadata {
        if (currentTerm < 0 || incarnation < 0)
            throw new IllegalArgumentException("term and incarnation must be >= 0: " + currentTerm + ", " + incarnation);
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(storageId, "storageId");
    }

    public Metadata(long currentTerm, String votedFor, String memberId, String clusterId, String storageId,
                    long incarnation) {
        this(currentTerm, votedFor, memberId, clusterId, storageId, incarnation, null);
    }

    public Metadata withTermAndVote(long term, String vote) {
        return new Metadata(term, vote, memberId, clusterId, storageId, incarnation, clusterUuid);
    }

    public Metadata withIncarnation(long inc) {
        return new Metadata(currentTerm, votedFor, memberId, clusterId, storageId, inc, clusterUuid);
    }

    public Metadata withClusterUuid(String uuid) {
        return new Metadata(currentTerm, votedFor, memberId, clusterId, storageId, incarnation,
                            Objects.requireNonNull(uuid, "uuid"));
    }
}
