package org.jgroups.abcast.replica;

/**
 * Takes and ships snapshots for a replica with compaction on (the recovery layer implements it). Called on the
 * replica's loop thread: start the work and return at once.
 */
public interface SnapshotHandler {
    /**
     * The application has received snapshot-interval entries since the last snapshot: take one off the loop thread
     * with {@link Replica#pauseForSnapshot}, the application's state, {@link Replica#resumeDelivery} and
     * {@link Replica#saveSnapshot} (or {@link Replica#snapshotFailed}).
     */
    void snapshotDue();

    /**
     * As leader: a member needs entries this member compacted away. Offer it the snapshot; it fetches it (from this
     * member, see {@link Replica#latestSnapshot}) and installs it ({@link Replica#installSnapshot}).
     */
    void snapshotNeeded(String member);
}
