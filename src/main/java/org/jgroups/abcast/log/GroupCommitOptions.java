package org.jgroups.abcast.log;

/**
 * Tuning of a {@link GroupCommitLog}.
 *
 * @param maxPendingWrites submitted writes the writer thread has not yet taken; {@code submit} blocks beyond this
 * @param maxPendingBytes  serialized bytes of those writes; {@code submit} blocks beyond this (a single larger
 *                         write is admitted once the queue is empty)
 * @param fsync            false: write without forcing, yet report records durable. Only for measuring the cost
 *                         of durability; a crash of the machine can then lose records reported durable
 */
public record GroupCommitOptions(int maxPendingWrites, long maxPendingBytes, boolean fsync) {
    public GroupCommitOptions {
        if (maxPendingWrites < 1 || maxPendingBytes < 1)
            throw new IllegalArgumentException("limits must be positive: " + maxPendingWrites + ", " + maxPendingBytes);
    }

    /** 4096 writes, 64 MiB, fsync on. */
    public static GroupCommitOptions defaults() {
        return new GroupCommitOptions(4096, 64L << 20, true);
    }

    public GroupCommitOptions withFsync(boolean on) {
        return new GroupCommitOptions(maxPendingWrites, maxPendingBytes, on);
    }

    public GroupCommitOptions withLimits(int writes, long bytes) {
        return new GroupCommitOptions(writes, bytes, fsync);
    }
}
