package org.jgroups.abcast.log;

import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the writer of a log's active segment: direct I/O if the options ask for it and the file system allows it,
 * otherwise writes through the page cache. A file system that refuses direct I/O once is not asked again.
 */
final class SegmentWriterFactory {
    private static final Log log = LogFactory.getLog(SegmentWriterFactory.class);
    private static final int DEFAULT_BLOCK_SIZE = 4096;

    private final LogOptions options;
    private final int blockSize;
    private volatile boolean direct;

    SegmentWriterFactory(Path dir, LogOptions options) {
        this.options = options;
        this.direct = options.directIo();
        this.blockSize = direct ? blockSizeOf(dir) : DEFAULT_BLOCK_SIZE;
    }

    int blockSize() {
        return blockSize;
    }

    /** Whether segments are currently written with direct I/O. */
    boolean direct() {
        return direct;
    }

    /** A writer for {@code path} whose logical end is {@code end}; creates the file (which must not exist) if asked. */
    SegmentWriter open(Path path, boolean create, long end) throws IOException {
        if (direct) {
            try {
                return new DirectSegmentWriter(path, create, end, blockSize, options.writeBufferSize());
            }
            catch (FileAlreadyExistsException e) {
                throw e;
            }
            catch (IOException | UnsupportedOperationException e) {
                direct = false;
                log.info("%s", "The file system of " + path.getParent() + " refuses direct I/O (" + e
                  + "): the log writes through the page cache instead");
                if (create)
                    Files.deleteIfExists(path); // the failed open may have created it
            }
        }
        return new BufferedSegmentWriter(path, create);
    }

    /** The file system's block size if it is a plausible direct I/O alignment, else 4096. */
    private static int blockSizeOf(Path dir) {
        try {
            long size = Files.getFileStore(dir).getBlockSize();
            return size >= 512 && size <= 65536 && Long.bitCount(size) == 1 ? (int) size : DEFAULT_BLOCK_SIZE;
        }
        catch (IOException | UnsupportedOperationException e) {
            return DEFAULT_BLOCK_SIZE;
        }
    }
}
