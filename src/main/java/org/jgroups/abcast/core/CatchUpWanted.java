package org.jgroups.abcast.core;

/**
 * This follower is far behind: the adapter should fetch the committed entries from {@code fromIndex} up to about
 * {@code leaderCommitIndex} in bulk from any member ({@link Engine#readCommitted} there) and hand them in with
 * {@link Engine#installCommitted}. Emitted again if the transfer makes no progress.
 */
public record CatchUpWanted(long fromIndex, long leaderCommitIndex, String leader) {
}
