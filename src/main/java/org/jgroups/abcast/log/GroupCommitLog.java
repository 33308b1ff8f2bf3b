package org.jgroups.abcast.log;

import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Group commit on top of a {@link SegmentedLog}: callers {@link #submit} writes, which return at once; a single
 * writer thread (the log's one writer) takes everything queued, writes it, forces once and then reports the newest
 * durable record to the {@link DurabilityListener}. Callers keep submitting while it forces, so the next batch
 * forms during the current force.
 * <p>
 * The queue is bounded in writes and bytes: {@link #submit} blocks when it is full, so memory stays bounded.
 * Nothing is reported durable before the force covering it returned. Any error on the writer thread stops it: the
 * listener's {@link DurabilityListener#failed} is called and further submits throw.
 * <p>
 * Readers use the wrapped {@link SegmentedLog} directly. Compaction must go through {@link #compact} so that it
 * runs on the writer thread. {@link #close} does not close the wrapped log.
 */
public final class GroupCommitLog implements AutoCloseable {
    private static final Log log = LogFactory.getLog(GroupCommitLog.class);

    /** A compaction up to (index, term); with replace, a replacement of the log by a snapshot there. */
    private record Compaction(long index, long term, CompletableFuture<Void> done, boolean replace) {
    }

    /** A write whose records are built on the writer thread; it must turn out to cover [fromIndex, lastIndex]. */
    private record Deferred(long fromIndex, long lastIndex, Supplier<LogWrite> build) {
        LogWrite get() {
            LogWrite w = build.get();
            if (w.fromIndex() != fromIndex || w.lastIndex() != lastIndex)
                throw new IllegalStateException("a deferred write promised [" + fromIndex + ", " + lastIndex
                                                + "] and built [" + w.fromIndex() + ", " + w.lastIndex() + "]");
            return w;
        }
    }

    private final SegmentedLog segmentedLog;
    private final GroupCommitOptions options;
    private final DurabilityListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // LogWrite, Deferred or Compaction
    private final Thread writer;
    private long queuedBytes;
    private long submittedLastIndex; // lastIndex once everything queued is written
    private long submittedBase;      // compaction point once everything queued is done
    private boolean closing;
    private Throwable failure;
    private volatile long batches;

    private GroupCommitLog(SegmentedLog segmentedLog, GroupCommitOptions options, DurabilityListener listener) {
        this.segmentedLog = segmentedLog;
        this.options = options;
        this.listener = listener;
        this.submittedLastIndex = segmentedLog.lastIndex();
        this.submittedBase = segmentedLog.compactionPoint().index();
        this.writer = new Thread(this::run, "abcast-log-writer[" + segmentedLog.directory().getFileName() + "]");
        writer.setDaemon(true);
    }

    /** Starts the writer thread; from now on no other thread may write to {@code log}. */
    public static GroupCommitLog start(SegmentedLog log, GroupCommitOptions options, DurabilityListener listener) {
        GroupCommitLog gc = new GroupCommitLog(log, options, listener);
        gc.writer.start();
        return gc;
    }

    public SegmentedLog log() {
        return segmentedLog;
    }

    /** Number of batches written (each forced once when fsync is on). */
    public long batches() {
        return batches;
    }

    /**
     * Queues {@code write}; blocks only while the queue is full.
     *
     * @throws IllegalArgumentException if the write would leave a gap after what was submitted before, or touches
     *                                  compacted records
     * @throws IOException              if the writer failed earlier (the cause is attached)
     * @throws IllegalStateException    if closed
     */
    public void submit(LogWrite write) throws IOException, InterruptedException {
        enqueue(write, write.bytes());
    }

    /**
     * Like {@link #submit(LogWrite)}, but the write's records are built (encoded) by {@code build} on the writer
     * thread, off the caller's: it must return a write from {@code fromIndex} to {@code lastIndex} ({@code
     * fromIndex - 1} for a pure truncation). {@code bytes} estimates its size for the queue's bound. A build that
     * fails, or returns another range, stops the writer like a failed write.
     */
    public void submit(long fromIndex, long lastIndex, long bytes, Supplier<LogWrite> build)
        throws IOException, InterruptedException {
        if (fromIndex < 1 || lastIndex < fromIndex - 1)
            throw new IllegalArgumentException("bad range [" + fromIndex + ", " + lastIndex + "]");
        enqueue(new Deferred(fromIndex, lastIndex, build), bytes);
    }

    /**
     * Queues {@link SegmentedLog#compactUpTo} behind the writes submitted so far. The future completes once it was
     * done, or exceptionally if the writer failed.
     */
    public CompletableFuture<Void> compact(long index, long term) throws IOException, InterruptedException {
        Compaction c = new Compaction(index, term, new CompletableFuture<>(), false);
        enqueue(c, 0);
        return c.done;
    }

    /**
     * Queues {@link SegmentedLog#replaceBySnapshot} behind the writes submitted so far (a follower installing a
     * snapshot it received). The next write must start at {@code index + 1}.
     */
    public CompletableFuture<Void> replaceBySnapshot(long index, long term) throws IOException, InterruptedException {
        Compaction c = new Compaction(index, term, new CompletableFuture<>(), true);
        enqueue(c, 0);
        return c.done;
    }

    private void enqueue(Object op, long bytes) throws IOException, InterruptedException {
        lock.lockInterruptibly();
        try {
            while (checkUsable() && isFull(bytes))
                notFull.await();
            if (op instanceof LogWrite || op instanceof Deferred) {
                long from = op instanceof LogWrite w ? w.fromIndex() : ((Deferred) op).fromIndex();
                if (from > submittedLastIndex + 1 || from <= submittedBase)
                    throw new IllegalArgumentException("a write from index " + from + " must start in ["
                      + (submittedBase + 1) + ", " + (submittedLastIndex + 1) + "] given what was submitted before");
                submittedLastIndex = op instanceof LogWrite w ? w.lastIndex() : ((Deferred) op).lastIndex();
            }
            else if (op instanceof Compaction c && c.index > submittedBase) {
                submittedBase = c.index;
                submittedLastIndex = c.replace ? c.index : Math.max(submittedLastIndex, c.index);
            }
            queue.add(op);
            queuedBytes += bytes;
            notEmpty.signal();
        }
        finally {
            lock.unlock();
        }
    }

    private boolean isFull(long bytes) {
        return queue.size() >= options.maxPendingWrites()
          || (!queue.isEmpty() && queuedBytes + bytes > options.maxPendingBytes());
    }

    private boolean checkUsable() throws IOException {
        if (failure != null)
            throw new IOException("the log writer of " + segmentedLog.directory() + " failed: " + failure, failure);
        if (closing)
            throw new IllegalStateException("group commit log of " + segmentedLog.directory() + " is closed");
        return true;
    }

    /**
     * Writes and forces what is still queued, then stops the writer thread. Does not close the wrapped log. Waits
     * for the writer even if interrupted (the interrupt status is kept), so that the log has a single writer.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            notEmpty.signal();
        }
        finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted)
            Thread.currentThread().interrupt();
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        try {
            while (takeAll(batch)) {
                apply(batch);
                if (options.fsync())
                    segmentedLog.force();
                long last = segmentedLog.lastIndex();
                listener.durable(last, segmentedLog.termAt(last));
                for (Object op : batch) {
                    if (op instanceof Compaction c)
                        c.done.complete(null);
                }
                batch.clear();
                batches++;
            }
        }
        catch (Throwable t) {
            fail(t, batch);
        }
    }

    /** Moves everything queued into {@code batch}, waiting for something; false once closed and drained. */
    private boolean takeAll(List<Object> batch) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing)
                notEmpty.await();
            if (queue.isEmpty())
                return false;
            batch.addAll(queue);
            queue.clear();
            queuedBytes = 0;
            notFull.signalAll();
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /** Applies the batch, turning runs of consecutive appends into one append (one buffer, few system calls). */
    private void apply(List<Object> batch) throws IOException {
        List<LogRecord> appends = new ArrayList<>();
        for (Object op : batch) {
            if (op instanceof Deferred d)
                op = d.get();
            if (op instanceof LogWrite w) {
                if (w.fromIndex() != segmentedLog.lastIndex() + 1 + appends.size()) {
                    flushAppends(appends);
                    segmentedLog.truncateFrom(w.fromIndex());
                }
                appends.addAll(w.records());
            }
            else if (op instanceof Compaction c) {
                flushAppends(appends);
                if (c.replace) segmentedLog.replaceBySnapshot(c.index, c.term);
                else segmentedLog.compactUpTo(c.index, c.term);
            }
        }
        flushAppends(appends);
    }

    private void flushAppends(List<LogRecord> appends) throws IOException {
        if (!appends.isEmpty()) {
            segmentedLog.append(appends);
            appends.clear();
        }
    }

    private void fail(Throwable t, List<Object> batch) {
        lock.lock();
        try {
            failure = t;
            batch.addAll(queue);
            queue.clear();
            queuedBytes = 0;
            notFull.signalAll();
        }
        finally {
            lock.unlock();
        }
        for (Object op : batch) {
            if (op instanceof Compaction c)
                c.done.completeExceptionally(t);
        }
        log.error("%s", "log writer of " + segmentedLog.directory() + " failed; no further writes are accepted: " + t);
        try {
            listener.failed(t);
        }
        catch (Throwable t2) {
            t.addSuppressed(t2);
            log.error("%s", "DurabilityListener.failed() threw " + t2);
        }
    }
}
