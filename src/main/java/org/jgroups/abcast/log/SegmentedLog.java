package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * A durable, append-only log of {@link LogRecord}s with consecutive indices, stored in segment files of one
 * directory.
 * <p>
 * <b>Threading:</b> exactly one writer thread calls {@link #append}, {@link #force}, {@link #truncateFrom},
 * {@link #compactUpTo} and {@link #close}; any number of other threads may concurrently call {@link #read},
 * {@link #termAt}, {@link #firstIndex}, {@link #lastIndex} and {@link #compactionPoint}. Readers only see records
 * whose bytes have been completely written (not necessarily forced). Truncation and compaction wait for running
 * reads to finish.
 * <p>
 * <b>Durability:</b> {@link #append} only writes; records are durable once {@link #force} returns. Truncation and
 * compaction are durable when they return.
 * <p>
 * <b>Errors:</b> an I/O error on the write path is thrown to the caller and makes the log refuse further writes
 * (what reached the disk is unknown, e.g. after a failed fsync); close it and open it again, which repairs the
 * tail. Reads keep working.
 */
public final class SegmentedLog implements AutoCloseable {
    private static final String COMPACTION_POINT = "compaction-point";
    private static final int COMPACTION_POINT_MAGIC = 0x41424350; // "ABCP"

    /** What readers need, published atomically by the writer. Segments are sorted and never empty. */
    private record State(LogPosition base, long lastIndex, Segment[] segments) {
    }

    private final Path dir;
    private final LogOptions options;
    private final ReentrantReadWriteLock rwLock = new ReentrantReadWriteLock();
    private volatile State state;
    private volatile boolean closed;
    private volatile Throwable writeFailure;

    // writer thread only
    private long lastTerm;
    private ByteBuffer writeBuffer;
    private final CRC32C crc = new CRC32C();
    private final SegmentWriterFactory writers;
    private final SegmentPreparer preparer; // null without direct I/O
    private boolean activeDirty;
    private boolean dirDirty;

    private SegmentedLog(Path dir, LogOptions options, SegmentWriterFactory writers, LogPosition base,
                         List<Segment> segments) {
        this.dir = dir;
        this.options = options;
        this.writers = writers;
        this.preparer = writers.direct() ? new SegmentPreparer(dir, options.segmentSize(), writers.blockSize()) : null;
        if (preparer != null)
            preparer.start();
        Segment[] segs = segments.toArray(new Segment[0]);
        Segment last = segs.length == 0 ? null : segs[segs.length - 1];
        this.state = new State(base, last == null ? base.index() : last.lastIndex(), segs);
        this.lastTerm = last == null ? base.term() : last.lastTerm();
        this.writeBuffer = ByteBuffer.allocateDirect(options.writeBufferSize());
    }

    /**
     * Opens (creating it if needed) the log in {@code dir}, verifying every record. A torn tail left by a crash is
     * cut off with a WARN; damage anywhere else fails with {@link LogCorruptedException}.
     */
    public static SegmentedLog open(Path dir, LogOptions options) throws IOException {
        Files.createDirectories(dir);
        Path cpFile = dir.resolve(COMPACTION_POINT);
        ChecksummedFile.deleteLeftover(cpFile);
        LogPosition base = readCompactionPoint(cpFile);
        Files.deleteIfExists(dir.resolve(SegmentPreparer.FILE)); // a crash may have left one half written
        SegmentWriterFactory writers = new SegmentWriterFactory(dir, options);
        return new SegmentedLog(dir, options, writers, base, LogRecovery.recover(dir, options, base, writers));
    }

    public Path directory() {
        return dir;
    }

    /** Index of the first record that can be read; {@code lastIndex() + 1} when the log is empty. */
    public long firstIndex() {
        return state.base().index() + 1;
    }

    /** Index of the newest record (written, not necessarily forced); the compaction point's index when empty. */
    public long lastIndex() {
        return state.lastIndex();
    }

    /** The last record removed by compaction (index 0, term 0 if nothing was compacted). */
    public LogPosition compactionPoint() {
        return state.base();
    }

    /**
     * The term of the record at {@code index}, also for the compaction point ({@code firstIndex() - 1}, which is
     * index 0 / term 0 for a log that was never compacted); -1 if the log does not know that index.
     */
    public long termAt(long index) {
        Lock l = rwLock.readLock();
        l.lock();
        try {
            checkOpen();
            State s = state;
            if (index == s.base().index())
                return s.base().term();
            if (index < s.base().index() || index > s.lastIndex())
                return -1;
            return segmentFor(s, index).termAt(index);
        }
        finally {
            l.unlock();
        }
    }

    /**
     * Reads records {@code fromIndex .. min(toIndexInclusive, lastIndex())} in order, stopping before their
     * serialized size (frame header + payload) would exceed {@code maxBytes}. Returns at least one record if
     * {@code fromIndex <= lastIndex()}, and an empty list if {@code fromIndex > lastIndex()}.
     *
     * @throws IndexOutOfBoundsException if {@code fromIndex < firstIndex()} (the record was compacted)
     */
    public List<LogRecord> read(long fromIndex, long toIndexInclusive, long maxBytes) throws IOException {
        Lock l = rwLock.readLock();
        l.lock();
        try {
            checkOpen();
            State s = state;
            if (fromIndex <= s.base().index())
                throw new IndexOutOfBoundsException("index " + fromIndex + " has been compacted; the first index is "
                                                      + (s.base().index() + 1));
            long to = Math.min(toIndexInclusive, s.lastIndex());
            List<LogRecord> out = new ArrayList<>();
            long budget = Math.max(0, maxBytes);
            for (long idx = fromIndex; idx <= to; ) {
                int before = out.size();
                budget -= segmentFor(s, idx).read(idx, to, budget, out.isEmpty(), out);
                if (out.size() == before)
                    break;
                idx += out.size() - before;
            }
            return out;
        }
        finally {
            l.unlock();
        }
    }

    /**
     * Writes {@code records}, which must continue the log: indices {@code lastIndex()+1, lastIndex()+2, ...}, terms
     * not lower than the previous record's, payloads no larger than {@link LogOptions#maxRecordSize()}. Nothing is
     * written if any record is invalid. Not durable until {@link #force()}.
     */
    public void append(List<LogRecord> records) throws IOException {
        checkWritable();
        validate(records);
        if (records.isEmpty())
            return;
        try {
            Segment seg = activeSegment();
            ByteBuffer buf = writeBuffer.clear();
            int flushedUpTo = 0;
            for (int i = 0; i < records.size(); i++) {
                LogRecord r = records.get(i);
                int frameSize = FrameCodec.frameSize(r);
                long segBytes = seg == null ? 0 : seg.size() + buf.position();
                if (seg == null || (segBytes > 0 && segBytes + frameSize > options.segmentSize())) {
                    flushedUpTo = flush(seg, records, flushedUpTo, i);
                    seg = rollTo(r.index(), seg);
                }
                if (buf.remaining() < frameSize) {
                    flushedUpTo = flush(seg, records, flushedUpTo, i);
                    if (buf.capacity() < frameSize)
                        buf = writeBuffer = ByteBuffer.allocateDirect(frameSize);
                }
                FrameCodec.encode(r, buf, crc);
            }
            flush(seg, records, flushedUpTo, records.size());
        }
        catch (IOException | RuntimeException | Error e) {
            writeFailure = e;
            throw e;
        }
    }

    /** Makes everything appended so far durable (segment data, and the directory if segments were created). */
    public void force() throws IOException {
        checkWritable();
        try {
            if (activeDirty) {
                activeSegment().force();
                activeDirty = false;
            }
            if (dirDirty) {
                ChecksummedFile.forceDirectory(dir);
                dirDirty = false;
            }
        }
        catch (IOException | RuntimeException | Error e) {
            writeFailure = e;
            throw e;
        }
    }

    /**
     * Removes every record with index >= {@code index} (log repair); a no-op if {@code index > lastIndex()}. Durable
     * when it returns: later segments are deleted (and the directory forced) before the segment holding
     * {@code index} is cut, so a crash leaves a prefix of the old log, never a log with a hole.
     *
     * @throws IllegalArgumentException if {@code index} is at or below the compaction point
     */
    public void truncateFrom(long index) throws IOException {
        checkWritable();
        State s = state;
        if (index <= s.base().index())
            throw new IllegalArgumentException("cannot truncate from index " + index + ": records up to index "
                                                 + s.base().index() + " are compacted");
        if (index > s.lastIndex())
            return;
        force();
        Lock l = rwLock.writeLock();
        l.lock();
        try {
            Segment[] segs = s.segments();
            int keep = segmentCountBelow(segs, index);
            for (int i = segs.length - 1; i >= keep; i--)
                segs[i].delete();
            if (keep < segs.length)
                ChecksummedFile.forceDirectory(dir);
            segs = Arrays.copyOf(segs, keep);
            if (keep > 0) {
                Segment last = segs[keep - 1];
                if (last.lastIndex() >= index)
                    last.truncateFrom(index);
                last.reopenForAppend();
            }
            lastTerm = keep > 0 ? segs[keep - 1].lastTerm() : s.base().term();
            state = new State(s.base(), index - 1, segs);
        }
        catch (IOException | RuntimeException | Error e) {
            writeFailure = e;
            throw e;
        }
        finally {
            l.unlock();
        }
    }

    /**
     * Records that everything up to and including {@code index} (whose term is {@code term}) is covered by a
     * snapshot: {@code firstIndex()} becomes {@code index + 1} and {@code termAt(index)} returns {@code term}.
     * Segments whose records are all <= {@code index} are deleted. If {@code index >= lastIndex()} (the log was
     * replaced by a snapshot) the log becomes empty and the next append must have index {@code index + 1}. Durable
     * when it returns. A no-op if {@code index} is not above the current compaction point.
     *
     * @throws IllegalArgumentException if the log holds {@code index} with a different term (to replace a
     *                                  conflicting log by a snapshot, {@code truncateFrom(firstIndex())} first)
     */
    public void compactUpTo(long index, long term) throws IOException {
        checkWritable();
        State s = state;
        if (index <= s.base().index())
            return;
        if (index <= s.lastIndex() && termAt(index) != term)
            throw new IllegalArgumentException("cannot compact up to index " + index + " with term " + term
                                                 + ": the log holds that index with term " + termAt(index));
        force();
        LogPosition base = new LogPosition(index, term);
        Lock l = rwLock.writeLock();
        try {
            // the compaction point must be durable before any segment goes, or a crash could lose firstIndex()-1's term
            ChecksummedFile.write(dir.resolve(COMPACTION_POINT), COMPACTION_POINT_MAGIC,
                                  ByteBuffer.allocate(16).putLong(index).putLong(term).array());
            l.lock();
            Segment[] segs = s.segments();
            int drop = index >= s.lastIndex() ? segs.length : segmentCountAtOrBelow(segs, index);
            for (int i = 0; i < drop; i++)
                segs[i].delete();
            if (index >= s.lastIndex())
                lastTerm = term;
            state = new State(base, Math.max(index, s.lastIndex()), Arrays.copyOfRange(segs, drop, segs.length));
        }
        catch (IOException | RuntimeException | Error e) {
            writeFailure = e;
            throw e;
        }
        finally {
            if (rwLock.isWriteLockedByCurrentThread())
                l.unlock();
        }
    }

    /**
     * Makes the log start after a snapshot at (index, term): if the log holds that entry, the records up to it are
     * compacted and the ones after it kept; otherwise (it is shorter, or holds another term there) every record goes
     * and the next append must have index {@code index + 1}. A no-op if {@code index} is not above the compaction
     * point. Durable when it returns.
     */
    public void replaceBySnapshot(long index, long term) throws IOException {
        if (index <= compactionPoint().index())
            return;
        if (termAt(index) != term && lastIndex() >= firstIndex())
            truncateFrom(firstIndex());
        compactUpTo(index, term);
    }

    /** Forces what was appended (unless an earlier write failed) and closes all files. */
    @Override
    public void close() throws IOException {
        Lock l = rwLock.writeLock();
        l.lock();
        try {
            if (closed)
                return;
            IOException error = null;
            try {
                if (writeFailure == null)
                    force();
            }
            catch (IOException e) {
                error = e;
            }
            closed = true;
            if (preparer != null) {
                try {
                    preparer.close();
                }
                catch (IOException e) {
                    error = e;
                }
            }
            for (Segment s : state.segments()) {
                try {
                    s.close();
                }
                catch (IOException e) {
                    if (error == null)
                        error = e;
                    else
                        error.addSuppressed(e);
                }
            }
            if (error != null)
                throw error;
        }
        finally {
            l.unlock();
        }
    }

    @Override
    public String toString() {
        State s = state;
        return "SegmentedLog[" + dir + ", base=" + s.base() + ", last=" + s.lastIndex() + ", segments="
          + s.segments().length + "]";
    }

    private void validate(List<LogRecord> records) {
        long expected = state.lastIndex() + 1;
        long prevTerm = lastTerm;
        for (LogRecord r : records) {
            if (r.index() != expected)
                throw new IllegalArgumentException("expected a record with index " + expected + " but got " + r);
            if (r.term() < prevTerm)
                throw new IllegalArgumentException("the term of " + r + " is lower than the previous term " + prevTerm);
            if (r.payload().length > options.maxRecordSize())
                throw new IllegalArgumentException(r + " exceeds the maximum record size " + options.maxRecordSize());
            expected++;
            prevTerm = r.term();
        }
    }

    /** Writes the encoded frames of records[from, to) to {@code seg} and publishes them; returns {@code to}. */
    private int flush(Segment seg, List<LogRecord> records, int from, int to) throws IOException {
        if (from == to)
            return to;
        ByteBuffer buf = writeBuffer.flip();
        seg.append(buf, records, from, to);
        buf.clear();
        LogRecord last = records.get(to - 1);
        lastTerm = last.term();
        activeDirty = true;
        State s = state;
        state = new State(s.base(), last.index(), s.segments());
        return to;
    }

    private Segment rollTo(long firstIndex, Segment previous) throws IOException {
        // sealed (cut to its records and forced) before the next segment gets a byte: recovery must never find a
        // segment whose tail is padding or torn followed by one with valid records
        if (previous != null)
            previous.seal();
        activeDirty = false;
        Path prepared = preparer != null && writers.direct() ? preparer.take() : null;
        Segment seg = prepared != null ? Segment.adopt(prepared, dir, firstIndex, writers)
                                       : Segment.create(dir, firstIndex, writers);
        if (preparer != null)
            preparer.start();
        dirDirty = true;
        State s = state;
        Segment[] segs = Arrays.copyOf(s.segments(), s.segments().length + 1);
        segs[segs.length - 1] = seg;
        state = new State(s.base(), s.lastIndex(), segs);
        return seg;
    }

    private Segment activeSegment() {
        Segment[] segs = state.segments();
        return segs.length == 0 ? null : segs[segs.length - 1];
    }

    /** The segment holding {@code index}, which must be in (base, lastIndex]. */
    private static Segment segmentFor(State s, long index) {
        Segment[] segs = s.segments();
        int i = segmentCountBelow(segs, index + 1) - 1;
        if (i < 0)
            throw new IllegalStateException("no segment holds index " + index + " in " + Arrays.toString(segs));
        return segs[i];
    }

    /** How many segments start below {@code index}. */
    private static int segmentCountBelow(Segment[] segs, long index) {
        int lo = 0, hi = segs.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (segs[mid].firstIndex < index)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    /** How many leading segments hold only records <= {@code index}. */
    private static int segmentCountAtOrBelow(Segment[] segs, long index) {
        int n = 0;
        while (n < segs.length && segs[n].lastIndex() <= index)
            n++;
        return n;
    }

    private static LogPosition readCompactionPoint(Path file) throws IOException {
        try {
            ByteBuffer b = ByteBuffer.wrap(ChecksummedFile.read(file, COMPACTION_POINT_MAGIC, "log compaction point"));
            if (b.capacity() != 16)
                throw new StorageCorruptedException("The log compaction point file " + file + " has "
                                                      + b.capacity() + " bytes of content instead of 16");
            return new LogPosition(b.getLong(), b.getLong());
        }
        catch (NoSuchFileException e) {
            return LogPosition.START;
        }
    }

    private void checkOpen() {
        if (closed)
            throw new IllegalStateException("log " + dir + " is closed");
    }

    private void checkWritable() throws IOException {
        checkOpen();
        Throwable failure = writeFailure;
        if (failure != null)
            throw new IOException("log " + dir + " refuses writes after an earlier write failure (" + failure
                                    + "); close and reopen it", failure);
    }
}
