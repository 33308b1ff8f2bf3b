package org.jgroups.abcast.log;

import com.sun.nio.file.ExtendedOpenOption;
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Prepares the next segment file in the background: {@value #FILE}, written full of zeros with direct I/O and forced.
 * Appends to such a file overwrite blocks that are already allocated and written, so the {@code fdatasync} after each
 * batch has no file-size or extent change to commit through the file system's journal (which on one disk is shared
 * by every member's log) and only flushes data. etcd's WAL does the same.
 * <p>
 * The log's writer thread calls {@link #take()} when it rolls over: the prepared file if it is ready (the caller
 * renames it into place), else null (the caller creates an empty segment as before: never a wait). The file is
 * deleted when the log opens (a crash may leave it) and when it closes.
 */
final class SegmentPreparer implements AutoCloseable {
    static final String FILE = "next-segment.tmp";
    private static final Log log = LogFactory.getLog(SegmentPreparer.class);
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final long size;
    private final int blockSize;
    private final ExecutorService executor;
    private CompletableFuture<Void> pending; // writer thread only
    private ByteBuffer zeros;                // preparing thread only
    private volatile boolean failed;

    SegmentPreparer(Path dir, long segmentSize, int blockSize) {
        this.file = dir.resolve(FILE);
        this.blockSize = blockSize;
        this.size = (segmentSize + blockSize - 1) / blockSize * blockSize;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "abcast-log-prepare[" + dir + "]");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts preparing the next file unless one is being prepared or ready. */
    void start() {
        if (pending == null && !failed)
            pending = CompletableFuture.runAsync(this::prepare, executor);
    }

    /** The prepared file, if ready (then it is the caller's), else null. */
    Path take() {
        CompletableFuture<Void> p = pending;
        if (p == null || !p.isDone())
            return null;
        pending = null;
        return p.isCompletedExceptionally() ? null : file;
    }

    private void prepare() {
        try {
            Files.deleteIfExists(file);
            if (zeros == null)
                zeros = ByteBuffer.allocateDirect(CHUNK + blockSize).alignedSlice(blockSize);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                                                   ExtendedOpenOption.DIRECT)) {
                for (long pos = 0; pos < size; ) {
                    zeros.clear().limit((int) Math.min(CHUNK, size - pos));
                    while (zeros.hasRemaining())
                        pos += ch.write(zeros, pos);
                }
                ch.force(true);
            }
        }
        catch (IOException | RuntimeException e) {
            failed = true; // segments are created empty from now on: slower fsyncs, nothing else
            if (!executor.isShutdown()) // not just closing
                log.info("%s", "Cannot prepare log segments in advance in " + file.getParent() + " (" + e
                  + "): new segments start empty");
            try {
                Files.deleteIfExists(file);
            }
            catch (IOException ignored) {
            }
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(file);
    }
}
