package org.jgroups.abcast.log;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static org.jgroups.abcast.log.FrameCodec.*;

/**
 * Checks frames of one segment file when the log is opened. Reads through a fixed window and computes checksums
 * chunk by chunk, so a garbage length field can never cause a large allocation.
 */
final class FrameScanner implements Closeable {
    private static final int WINDOW = 1 << 20;

    final Path path;
    final long fileSize;
    private final FileChannel channel;
    private final int maxPayload;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW).limit(0);
    private long windowStart;

    /** Describe the frame found by the last successful {@link #frameAt}. */
    long index;
    long term;
    int frameSize;

    FrameScanner(Path path, int maxPayload) throws IOException {
        this.path = path;
        this.maxPayload = maxPayload;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.fileSize = channel.size();
    }

    /** Whether a complete, checksum-valid frame with an index in [minIndex, maxIndex] starts at {@code pos}. */
    boolean frameAt(long pos, long minIndex, long maxIndex) throws IOException {
        if (pos < 0 || pos + HEADER_SIZE > fileSize)
            return false;
        int p = fill(pos, HEADER_SIZE);
        int length = window.getInt(p + LENGTH_OFFSET);
        long idx = window.getLong(p + INDEX_OFFSET);
        if (!plausibleLength(pos, length) || idx < minIndex || idx > maxIndex)
            return false;
        int storedCrc = window.getInt(p + CRC_OFFSET);
        long t = window.getLong(p + TERM_OFFSET);
        if (crcOf(pos + LENGTH_OFFSET, HEADER_SIZE - LENGTH_OFFSET + length) != storedCrc)
            return false;
        index = idx;
        term = t;
        frameSize = HEADER_SIZE + length;
        return true;
    }

    boolean frameAt(long pos) throws IOException {
        return frameAt(pos, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The offset of the first frame at or after {@code from} that {@link #frameAt} accepts, or -1. */
    long findFrame(long from, long minIndex, long maxIndex) throws IOException {
        for (long pos = Math.max(0, from); pos + HEADER_SIZE <= fileSize; pos++) {
            if (frameAt(pos, minIndex, maxIndex))
                return pos;
        }
        return -1;
    }

    /**
     * Whether every byte from {@code pos} to the end of the file is zero: space prepared in advance or block padding
     * that no write reached, not a torn record.
     */
    boolean zerosFrom(long pos) throws IOException {
        while (pos < fileSize) {
            int n = (int) Math.min(WINDOW, fileSize - pos);
            int p = fill(pos, n);
            byte[] a = window.array();
            for (int i = p, end = p + n; i < end; i++) {
                if (a[i] != 0)
                    return false;
            }
            pos += n;
        }
        return true;
    }

    /** Why {@link #frameAt} rejects the frame at {@code pos}, for error messages. */
    String damageAt(long pos) throws IOException {
        if (pos + HEADER_SIZE > fileSize)
            return "the file ends " + (fileSize - pos) + " bytes into a " + HEADER_SIZE + "-byte frame header";
        int length = window.getInt(fill(pos, HEADER_SIZE) + LENGTH_OFFSET);
        if (!plausibleLength(pos, length))
            return "the frame's length field (" + length + ") is impossible here (" + (fileSize - pos)
              + " bytes left in the file, max record size " + maxPayload + ")";
        return "the frame's CRC32C checksum does not match its contents";
    }

    /**
     * How many records the bytes from {@code pos} on were meant to hold, as far as can be told: the damaged frame at
     * {@code pos} plus each following frame whose header carries the next expected index.
     */
    int recordsFrom(long pos, long expectedIndex) throws IOException {
        int n = 0;
        while (pos < fileSize) {
            n++;
            if (pos + HEADER_SIZE > fileSize)
                break;
            int p = fill(pos, HEADER_SIZE);
            int length = window.getInt(p + LENGTH_OFFSET);
            if (!plausibleLength(pos, length))
                break;
            pos += HEADER_SIZE + length;
            if (pos + HEADER_SIZE > fileSize || window.getLong(fill(pos, HEADER_SIZE) + INDEX_OFFSET) != expectedIndex + n)
                break;
        }
        return n;
    }

    private boolean plausibleLength(long pos, int length) {
        return length >= 0 && length <= maxPayload && length <= fileSize - pos - HEADER_SIZE;
    }

    private int crcOf(long from, long length) throws IOException {
        CRC32C crc = new CRC32C();
        for (long pos = from, end = from + length; pos < end; ) {
            int n = (int) Math.min(end - pos, WINDOW);
            int p = fill(pos, n);
            crc.update(window.array(), p, n);
            pos += n;
        }
        return (int) crc.getValue();
    }

    /** Makes the window hold bytes [pos, pos + n) of the file and returns where pos is in it. */
    private int fill(long pos, int n) throws IOException {
        if (pos < windowStart || pos + n > windowStart + window.limit()) {
            window.clear().limit((int) Math.min(WINDOW, fileSize - pos));
            while (window.hasRemaining()) {
                if (channel.read(window, pos + window.position()) < 0)
                    throw new EOFException(path + " shrank while being scanned");
            }
            window.flip();
            windowStart = pos;
        }
        return (int) (pos - windowStart);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
