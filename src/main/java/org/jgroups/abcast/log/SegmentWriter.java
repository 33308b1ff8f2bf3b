package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Appends frames to the end of one segment file. Used by the log's writer thread only; readers never touch it.
 * <p>
 * Two implementations: {@link BufferedSegmentWriter} writes through the page cache; {@link DirectSegmentWriter}
 * writes whole blocks past it (O_DIRECT), which on machines where every new page-cache page is expensive (virtual
 * machines whose free memory is handed back to the host) costs a fraction of the CPU. Either way the file's
 * logical content is the same: frames back to back, nothing else once the writer is closed.
 */
interface SegmentWriter {
    /** Writes all of {@code frames} (position to limit) at byte offset {@code end}, the current logical end. */
    void append(ByteBuffer frames, long end) throws IOException;

    /** Cuts the file to {@code size} bytes (its new logical end); the next append starts there. */
    void truncate(long size) throws IOException;

    /** Makes the written bytes (and the file's size) durable. */
    void force() throws IOException;

    /** No more appends: leaves the file exactly its logical size (no padding), forces it and releases it. */
    void seal() throws IOException;

    /** Releases the file without forcing it (it is about to be deleted, or writing already failed). */
    void abandon() throws IOException;
}
