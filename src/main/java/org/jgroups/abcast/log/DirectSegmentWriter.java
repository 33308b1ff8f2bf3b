package org.jgroups.abcast.log;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes frames with direct I/O (O_DIRECT): whole, aligned blocks from an aligned buffer straight to the device,
 * bypassing the page cache.
 * <p>
 * Direct I/O can only write whole blocks, so the block holding the logical end (the <em>tail</em>) is kept in the
 * buffer and written again, completed by the next frames, on the next append; the rest of the last block written
 * is zero padding. The file is therefore briefly longer than its logical content: {@link #seal()} cuts the padding
 * off, and a crash leaves at most one block of zeros after the last frame, which recovery cuts off as a torn tail.
 * A segment is sealed (padding cut and forced) before anything is written to the next one, so padding can never be
 * followed by valid frames.
 */
final class DirectSegmentWriter implements SegmentWriter {
    private final Path path;
    private final FileChannel channel;
    private final int blockSize;
    private final byte[] zeros;
    private ByteBuffer buffer;  // block-aligned; [0, tailLength) holds the bytes of the block that contains `end`
    private long end;           // logical end of the file
    private int tailLength;

    /**
     * Opens {@code path} (creating it when {@code create}) for direct writes at logical end {@code end}.
     *
     * @throws IOException if the file system refuses direct I/O (the caller falls back to buffered writes)
     */
    DirectSegmentWriter(Path path, boolean create, long end, int blockSize, int bufferSize) throws IOException {
        if (Integer.bitCount(blockSize) != 1)
            throw new IllegalArgumentException("block size must be a power of two: " + blockSize);
        this.channel = create
          ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                             ExtendedOpenOption.DIRECT)
          : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        this.path = path;
        this.blockSize = blockSize;
        this.zeros = new byte[blockSize];
        try {
            this.buffer = allocate(roundUp(Math.max(bufferSize, blockSize)));
            loadTail(end);
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void append(ByteBuffer frames, long at) throws IOException {
        if (at != end)
            throw new IllegalStateException("asked to append at byte " + at + " but the segment ends at byte " + end);
        int n = frames.remaining();
        if (n == 0)
            return;
        long blockStart = end - tailLength;
        int length = roundUp(tailLength + n);
        if (buffer.capacity() < length) {
            ByteBuffer bigger = allocate(length);
            bigger.put(0, buffer, 0, tailLength);
            buffer = bigger;
        }
        buffer.clear().position(tailLength);
        buffer.put(frames);
        buffer.put(zeros, 0, length - tailLength - n);
        buffer.flip();
        try {
            while (buffer.hasRemaining())
                channel.write(buffer, blockStart + buffer.position());
        }
        catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Invalid argument"))
                throw new IOException("direct write of " + length + " bytes at byte " + blockStart + " of " + path
                                        + " refused (" + e.getMessage() + "): the device needs a larger alignment than "
                                        + blockSize + " bytes; write through the page cache instead (ABCAST "
                                        + "log_direct_io=\"false\", LogOptions.withDirectIo(false))", e);
            throw e;
        }
        end += n;
        int newTail = (int) (end % blockSize);
        int newTailOffset = (int) (end - newTail - blockStart);
        if (newTail > 0 && newTailOffset > 0)
            buffer.put(0, buffer, newTailOffset, newTail); // ranges cannot overlap: newTailOffset >= blockSize > newTail
        tailLength = newTail;
    }

    @Override
    public void truncate(long size) throws IOException {
        channel.truncate(size);
        loadTail(size);
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void seal() throws IOException {
        try {
            channel.truncate(end);
            channel.force(false);
        }
        finally {
            channel.close();
        }
    }

    @Override
    public void abandon() throws IOException {
        channel.close();
    }

    /** Reads the bytes of the block holding {@code newEnd} that lie before it into the buffer's start. */
    private void loadTail(long newEnd) throws IOException {
        end = newEnd;
        tailLength = (int) (newEnd % blockSize);
        if (tailLength == 0)
            return;
        ByteBuffer block = buffer.clear().limit(blockSize);
        long blockStart = newEnd - tailLength;
        while (block.position() < tailLength) {
            if (channel.read(block, blockStart + block.position()) < 0)
                throw new IOException("segment ends before its logical end " + newEnd);
        }
        block.clear();
    }

    private int roundUp(int n) {
        return (n + blockSize - 1) & -blockSize;
    }

    private ByteBuffer allocate(int capacity) {
        return ByteBuffer.allocateDirect(capacity + blockSize).alignedSlice(blockSize);
    }
}
