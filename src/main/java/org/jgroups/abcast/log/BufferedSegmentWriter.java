package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes frames through the page cache with positional writes. */
final class BufferedSegmentWriter implements SegmentWriter {
    private final FileChannel channel;

    BufferedSegmentWriter(Path path, boolean create) throws IOException {
        channel = create ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                         : FileChannel.open(path, StandardOpenOption.WRITE);
    }

    @Override
    public void append(ByteBuffer frames, long end) throws IOException {
        long pos = end;
        while (frames.hasRemaining())
            pos += channel.write(frames, pos);
    }

    @Override
    public void truncate(long size) throws IOException {
        channel.truncate(size);
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void seal() throws IOException {
        try {
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
}
