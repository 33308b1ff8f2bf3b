package org.jgroups.abcast.log;

/**
 * Tuning of a {@link SegmentedLog}.
 *
 * @param segmentSize     a segment is rolled over once the next record would make it larger than this
 *                        (a single larger record gets a segment of its own); at most 1 GiB
 * @param maxRecordSize   the largest payload accepted by append; on open, a frame claiming a larger payload is
 *                        treated as damaged (so a garbage length field never causes a large allocation)
 * @param writeBufferSize size of the direct buffer one append batch is encoded into before it is written with as
 *                        few system calls as possible
 * @param directIo        write segments with direct I/O (O_DIRECT, whole aligned blocks, no page cache) where the
 *                        file system allows it; otherwise, or if false, through the page cache. Durability is the
 *                        same either way (every batch is forced); direct I/O saves the CPU of filling and writing
 *                        back page-cache pages that the log never reads again
 */
public record LogOptions(long segmentSize, int maxRecordSize, int writeBufferSize, boolean directIo) {
    public static final long MAX_SEGMENT_SIZE = 1L << 30;

    public LogOptions {
        if (segmentSize < FrameCodec.HEADER_SIZE || segmentSize > MAX_SEGMENT_SIZE)
            throw new IllegalArgumentException("segmentSize must be in [" + FrameCodec.HEADER_SIZE + ", "
                                                 + MAX_SEGMENT_SIZE + "]: " + segmentSize);
        if (maxRecordSize < 0 || maxRecordSize > MAX_SEGMENT_SIZE)
            throw new IllegalArgumentException("maxRecordSize must be in [0, " + MAX_SEGMENT_SIZE + "]: " + maxRecordSize);
        if (writeBufferSize < 4096)
            throw new IllegalArgumentException("writeBufferSize must be >= 4096: " + writeBufferSize);
    }

    /** 64 MiB segments, 16 MiB max record, 1 MiB write buffer, direct I/O. */
    public static LogOptions defaults() {
        return new LogOptions(64L << 20, 16 << 20, 1 << 20, true);
    }

    public LogOptions withSegmentSize(long size) {
        return new LogOptions(size, maxRecordSize, writeBufferSize, directIo);
    }

    public LogOptions withMaxRecordSize(int size) {
        return new LogOptions(segmentSize, size, writeBufferSize, directIo);
    }

    public LogOptions withWriteBufferSize(int size) {
        return new LogOptions(segmentSize, maxRecordSize, size, directIo);
    }

    public LogOptions withDirectIo(boolean direct) {
        return new LogOptions(segmentSize, maxRecordSize, writeBufferSize, direct);
    }
}
