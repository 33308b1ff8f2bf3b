package org.jgroups.abcast.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file: frames of consecutive records starting with {@link #firstIndex}, named after that index.
 * <p>
 * The writer thread appends through the segment's {@link SegmentWriter}; readers use positional reads on a separate
 * read channel.
 * Java closes a FileChannel when a thread blocked in it is interrupted, so a reader's interrupt would otherwise
 * break the channel for everybody: the read channel is reopened when that happens, and the writer's channel is
 * never touched by readers.
 */
final class Segment {
    private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.log");

    final Path path;
    final long firstIndex;
    private final SegmentIndex index;
    private final SegmentWriterFactory writers;
    private SegmentWriter writer; // writer thread only; null once sealed
    private volatile FileChannel readChannel;
    private volatile boolean closed;

    private Segment(Path path, long firstIndex, SegmentIndex index, SegmentWriterFactory writers, SegmentWriter writer)
      throws IOException {
        this.path = path;
        this.firstIndex = firstIndex;
        this.index = index;
        this.writers = writers;
        this.writer = writer;
        this.readChannel = FileChannel.open(path, StandardOpenOption.READ);
    }

    /** Creates a new, empty segment file (fails if it exists). */
    static Segment create(Path dir, long firstIndex, SegmentWriterFactory writers) throws IOException {
        Path path = pathFor(dir, firstIndex);
        SegmentWriter w = writers.open(path, true, 0);
        try {
            return new Segment(path, firstIndex, new SegmentIndex(), writers, w);
        }
        catch (IOException e) {
            w.abandon();
            throw e;
        }
    }

    /**
     * Makes a file prepared in advance (see {@link SegmentPreparer}) the new, empty segment starting at
     * {@code firstIndex}: renamed into place, written from its start.
     */
    static Segment adopt(Path prepared, Path dir, long firstIndex, SegmentWriterFactory writers) throws IOException {
        Path path = pathFor(dir, firstIndex);
        Files.move(prepared, path, StandardCopyOption.ATOMIC_MOVE);
        SegmentWriter w = writers.open(path, false, 0);
        try {
            if (!(w instanceof DirectSegmentWriter))
                w.truncate(0); // only a direct writer cuts the zeros off when it seals the segment
            return new Segment(path, firstIndex, new SegmentIndex(), writers, w);
        }
        catch (IOException e) {
            w.abandon();
            throw e;
        }
    }

    /** Opens an existing, already scanned segment; {@code writable} for the last one. */
    static Segment open(Path path, long firstIndex, SegmentIndex index, boolean writable, SegmentWriterFactory writers)
      throws IOException {
        SegmentWriter w = writable ? writers.open(path, false, index.end()) : null;
        try {
            return new Segment(path, firstIndex, index, writers, w);
        }
        catch (IOException e) {
            if (w != null)
                w.abandon();
            throw e;
        }
    }

    static Path pathFor(Path dir, long firstIndex) {
        return dir.resolve(String.format("segment-%020d.log", firstIndex));
    }

    /** The first index encoded in a segment file name, or -1 if the name is not a segment's. */
    static long firstIndexOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Last published index; firstIndex - 1 if the segment is empty. */
    long lastIndex() {
        return firstIndex + index.view().count() - 1;
    }

    /** Bytes of published records (the writer's view, which is the file size as far as the log is concerned). */
    long size() {
        return index.end();
    }

    int recordCount() {
        return index.count();
    }

    long lastTerm() {
        return index.lastTerm();
    }

    /** The term of {@code idx}, or -1 if this segment does not hold it. */
    long termAt(long idx) {
        SegmentIndex.View v = index.view();
        long local = idx - firstIndex;
        return local >= 0 && local < v.count() ? v.term((int) local) : -1;
    }

    /**
     * Writes {@code frames} (the encoded frames of {@code records[from, to)}) at the end of the file and then makes
     * the records visible to readers.
     */
    void append(ByteBuffer frames, List<LogRecord> records, int from, int to) throws IOException {
        if (writer == null)
            throw new IllegalStateException("segment " + path + " is sealed");
        writer.append(frames, index.end());
        for (int i = from; i < to; i++) {
            LogRecord r = records.get(i);
            index.add(FrameCodec.frameSize(r), r.term());
        }
        index.publish();
    }

    /**
     * Adds records from {@code fromIdx} up to {@code toIdx} to {@code out}, stopping before the frame bytes read
     * would exceed {@code maxBytes}; the first record is added regardless if {@code atLeastOne}. Returns the number
     * of bytes read (0 if nothing fitted).
     */
    long read(long fromIdx, long toIdx, long maxBytes, boolean atLeastOne, List<LogRecord> out) throws IOException {
        SegmentIndex.View v = index.view();
        int first = (int) (fromIdx - firstIndex);
        int last = (int) Math.min(toIdx - firstIndex, v.count() - 1);
        if (first < 0 || first > last)
            throw new IllegalArgumentException("segment " + path + " does not hold index " + fromIdx);
        int start = v.offset(first);
        int end = first; // exclusive
        while (end <= last && (v.offset(end + 1) - start <= maxBytes || (atLeastOne && end == first)))
            end++;
        if (end == first)
            return 0;
        ByteBuffer buf = ByteBuffer.allocate(v.offset(end) - start);
        readFully(buf, start);
        for (int i = first; i < end; i++) {
            buf.limit(v.offset(i + 1) - start);
            LogRecord r = FrameCodec.decode(buf, v.offset(i) - start, firstIndex + i);
            if (r == null)
                throw new LogCorruptedException(path, v.offset(i), firstIndex + i,
                                                "the record failed its checksum when read back (the file was damaged "
                                                  + "after the log was opened)");
            out.add(r);
        }
        return buf.capacity();
    }

    private void readFully(ByteBuffer dst, long pos) throws IOException {
        int start = dst.position();
        for (;;) {
            FileChannel ch = readChannel;
            try {
                while (dst.hasRemaining()) {
                    if (ch.read(dst, pos + dst.position() - start) < 0)
                        throw new EOFException(path + " ends before byte " + (pos + dst.limit() - start));
                }
                return;
            }
            catch (ClosedByInterruptException e) { // this thread was interrupted: repair the channel, then give up
                reopenReadChannel(ch);
                throw e;
            }
            catch (ClosedChannelException e) {     // another reader's interrupt closed it: repair and retry
                if (!ch.isOpen() && reopenReadChannel(ch)) {
                    dst.position(start);
                    continue;
                }
                throw e;
            }
        }
    }

    private synchronized boolean reopenReadChannel(FileChannel broken) throws IOException {
        if (readChannel != broken)
            return true; // somebody else already reopened it
        if (closed)
            return false;
        readChannel = FileChannel.open(path, StandardOpenOption.READ);
        return true;
    }

    /** Removes records from {@code idx} on, and forces the new length to disk. Only without concurrent readers. */
    void truncateFrom(long idx) throws IOException {
        int local = (int) (idx - firstIndex);
        int offset = index.view().offset(local);
        reopenForAppend();
        writer.truncate(offset);
        writer.force();
        index.truncate(local);
    }

    /** Makes a sealed segment the one appended to again (after a truncation made it the last one). */
    void reopenForAppend() throws IOException {
        if (writer == null)
            writer = writers.open(path, false, index.end());
    }

    void force() throws IOException {
        if (writer != null)
            writer.force();
    }

    /** No more appends: the file is cut to its records (no padding), forced and its writer released. */
    void seal() throws IOException {
        if (writer != null) {
            SegmentWriter w = writer;
            writer = null;
            w.seal();
        }
    }

    /** Seals the segment (see {@link #seal()}) and closes its reader. */
    void close() throws IOException {
        closed = true;
        try {
            seal();
        }
        finally {
            readChannel.close();
        }
    }

    /** Closes the segment without forcing anything and deletes its file. */
    void delete() throws IOException {
        closed = true;
        try {
            if (writer != null) {
                SegmentWriter w = writer;
                writer = null;
                w.abandon();
            }
        }
        finally {
            readChannel.close();
        }
        Files.deleteIfExists(path);
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + firstIndex + ".." + lastIndex() + "]";
    }
}
