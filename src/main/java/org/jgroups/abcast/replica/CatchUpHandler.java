package org.jgroups.abcast.replica;

/**
 * Fetches committed history in bulk for a replica that fell far behind (the recovery layer implements it). Called
 * on the replica's loop thread: start the transfer and return at once. The handler reads chunks from other members
 * with {@link Replica#readCommittedChunk} there and hands them in with {@link Replica#installCommittedChunk} here,
 * starting again from the index the latter returns; if no member can serve the range it calls
 * {@link Replica#abandonCatchUp} and the leader's own stream takes over.
 */
public interface CatchUpHandler {
    /**
     * @param fromIndex         the first index this replica lacks
     * @param leaderCommitIndex the leader's commit index, the target of the catch-up
     * @param leader            the member id of the leader that reported it (the busiest member: fetch elsewhere)
     */
    void catchUpWanted(long fromIndex, long leaderCommitIndex, String leader);
}
