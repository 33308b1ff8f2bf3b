package org.jgroups.abcast.log;

/** Callbacks of a {@link GroupCommitLog}, invoked on its writer thread (keep them short). */
public interface DurabilityListener {
    /**
     * Every record up to and including {@code index} (whose term is {@code term}) is durable: the log's newest
     * record after the last batch, reported only after that batch was forced. After a truncation the index can be
     * lower than one reported before; the same index can be reported more than once.
     */
    void durable(long index, long term);

    /** The writer stopped because of {@code cause} (an I/O error, or an exception thrown by {@link #durable}). */
    void failed(Throwable cause);
}
