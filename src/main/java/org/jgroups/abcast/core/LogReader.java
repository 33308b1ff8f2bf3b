package org.jgroups.abcast.core;

import java.util.List;

/**
 * Read access to the entries the adapter has written to storage, as in etcd raft's {@code Storage}. The engine only
 * reads indices it was told are durable (through {@link Engine#persisted}) or that were on disk when it started, so an
 * implementation never has to serve data that is still being written. Implementations may do blocking reads; keep them
 * fast (an index lookup, not a scan).
 */
public interface LogReader {
    /** The last index replaced by a snapshot (0 if none). Entries start at snapshotIndex() + 1. */
    long snapshotIndex();

    /** The term of the entry at {@link #snapshotIndex()} (0 if none). */
    long snapshotTerm();

    /** The index of the newest stored entry, or snapshotIndex() if there is none. */
    long lastIndex();

    /** The term of the entry at index, for snapshotIndex() < index <= lastIndex(). */
    long term(long index);

    /**
     * Entries in [from, toInclusive], in order, stopping once their total size reaches maxBytes (but always at least
     * one entry when the range is not empty). snapshotIndex() < from <= toInclusive <= lastIndex().
     */
    List<Entry> entries(long from, long toInclusive, long maxBytes);
}
