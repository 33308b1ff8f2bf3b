package org.jgroups.abcast.core;

/**
 * The leader cannot replicate to follower from its log: the follower needs entries older than the leader's first
 * retained entry. The adapter must transfer a snapshot; the follower's engine then gets
 * {@link Engine#installSnapshot(SnapshotMeta)}.
 */
public record SnapshotNeeded(String follower, long followerNextIndex, long leaderSnapshotIndex) {
}
