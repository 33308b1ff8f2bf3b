package org.jgroups.abcast.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one record (all integers big-endian):
 * <pre>
 *  offset  size  field
 *       0     4  crc      CRC32C of bytes [4, 24 + length): length, index, term and payload
 *       4     4  length   payload length in bytes (0 .. maxRecordSize)
 *       8     8  index
 *      16     8  term
 *      24     n  payload
 * </pre>
 */
final class FrameCodec {
    static final int HEADER_SIZE = 24;
    static final int CRC_OFFSET = 0;
    static final int LENGTH_OFFSET = 4;
    static final int INDEX_OFFSET = 8;
    static final int TERM_OFFSET = 16;

    private FrameCodec() {
    }

    static int frameSize(LogRecord r) {
        return HEADER_SIZE + r.payload().length;
    }

    /** Encodes {@code r} at the buffer's position and advances the position past the frame. */
    static void encode(LogRecord r, ByteBuffer buf) {
        encode(r, buf, new CRC32C());
    }

    /** Like {@link #encode(LogRecord, ByteBuffer)}, reusing {@code crc} (no allocation per record). */
    static void encode(LogRecord r, ByteBuffer buf, CRC32C crc) {
        int start = buf.position(), limit = buf.limit();
        buf.putInt(0).putInt(r.payload().length).putLong(r.index()).putLong(r.term()).put(r.payload());
        int end = buf.position();
        crc.reset();
        crc.update(buf.limit(end).position(start + LENGTH_OFFSET)); // one pass over the frame after the CRC field
        buf.limit(limit);
        buf.putInt(start + CRC_OFFSET, (int) crc.getValue());
    }

    /** CRC32C of {@code buf[from, to)}; does not change the buffer's position or limit. */
    static int crc(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    /**
     * Decodes the frame occupying exactly {@code buf[pos, limit)} and returns its record, or null if the frame is
     * damaged: its length field disagrees with the frame's size, its checksum fails or its index is unexpected.
     */
    static LogRecord decode(ByteBuffer buf, int pos, long expectedIndex) {
        if (buf.limit() - pos < HEADER_SIZE)
            return null;
        int length = buf.getInt(pos + LENGTH_OFFSET);
        if (length != buf.limit() - pos - HEADER_SIZE)
            return null;
        if (crc(buf, pos + LENGTH_OFFSET, pos + HEADER_SIZE + length) != buf.getInt(pos + CRC_OFFSET))
            return null;
        long index = buf.getLong(pos + INDEX_OFFSET);
        if (index != expectedIndex)
            return null;
        byte[] payload = new byte[length];
        buf.get(pos + HEADER_SIZE, payload);
        return new LogRecord(index, buf.getLong(pos + TERM_OFFSET), payload);
    }
}
