package org.jgroups.abcast.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.jgroups.abcast.log.TestRecords.*;
import static org.junit.jupiter.api.Assertions.*;

class GroupCommitLogTest {
    @TempDir
    Path dir;
    private SegmentedLog log;
    private GroupCommitLog gc;
    private final Recorder listener = new Recorder();

    /** Records what the writer reports; can hold the writer thread inside durable(). */
    static final class Recorder implements DurabilityListener {
        final List<LogPosition> reports = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;
        volatile RuntimeException toThrow;

        @Override
        public void durable(long index, long term) {
            reports.add(new LogPosition(index, term));
            entered.countDown();
            if (toThrow != null)
                throw toThrow;
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void failed(Throwable cause) {
            failure.complete(cause);
        }

        LogPosition last() {
            return reports.isEmpty() ? null : reports.get(reports.size() - 1);
        }

        void awaitReport(LogPosition expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!expected.equals(last())) {
                if (System.nanoTime() > deadline)
                    fail("never reported " + expected + "; reports: " + reports);
                Thread.sleep(1);
            }
        }
    }

    private void start(GroupCommitOptions options, LogOptions logOptions) throws IOException {
        log = SegmentedLog.open(dir, logOptions);
        gc = GroupCommitLog.start(log, options, listener);
    }

    private void start(GroupCommitOptions options) throws IOException {
        start(options, LogOptions.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (gc != null)
            gc.close();
        if (log != null)
            log.close();
    }

    @Test
    void reportsTheNewestRecordDurableAfterEachBatch() throws Exception {
        start(GroupCommitOptions.defaults());
        gc.submit(LogWrite.append(records(1, 10, 1)));
        gc.submit(LogWrite.append(records(11, 20, 2)));
        listener.awaitReport(new LogPosition(20, 2));
        long prev = 0;
        for (LogPosition p : listener.reports) {
            assertTrue(p.index() > prev, "reports grow: " + listener.reports);
            assertEquals(log.termAt(p.index()), p.term());
            prev = p.index();
        }
        assertEquals(records(1, 10, 1), log.read(1, 10, Long.MAX_VALUE));
    }

    @Test
    void manySmallSubmitsAreGroupedIntoFewerForces() throws Exception {
        start(GroupCommitOptions.defaults());
        int writes = 2000;
        for (long i = 1; i <= writes; i++)
            gc.submit(LogWrite.append(List.of(record(i, 1))));
        listener.awaitReport(new LogPosition(writes, 1));
        assertTrue(gc.batches() < writes / 2, "batches: " + gc.batches());
        assertEquals(records(1, writes, 1), log.read(1, writes, Long.MAX_VALUE));
    }

    @Test
    void submitBlocksWhileTooManyWritesArePendingAndResumesWhenTheyDrain() throws Exception {
        start(GroupCommitOptions.defaults().withLimits(4, 1 << 20));
        listener.gate = new CountDownLatch(1);
        gc.submit(LogWrite.append(records(1, 1, 1)));
        assertTrue(listener.entered.await(10, TimeUnit.SECONDS), "the writer is held inside durable()");
        for (long i = 2; i <= 5; i++)
            gc.submit(LogWrite.append(records(i, i, 1))); // fills the queue
        assertBlocksUntilGateOpens(LogWrite.append(records(6, 6, 1)));
        listener.awaitReport(new LogPosition(6, 1));
    }

    @Test
    void submitBlocksWhileTooManyBytesArePending() throws Exception {
        start(GroupCommitOptions.defaults().withLimits(1000, 1000));
        listener.gate = new CountDownLatch(1);
        gc.submit(LogWrite.append(List.of(new LogRecord(1, 1, new byte[10]))));
        assertTrue(listener.entered.await(10, TimeUnit.SECONDS));
        gc.submit(LogWrite.append(List.of(new LogRecord(2, 1, new byte[600]))));
        assertBlocksUntilGateOpens(LogWrite.append(List.of(new LogRecord(3, 1, new byte[600]))));
        listener.awaitReport(new LogPosition(3, 1));
    }

    private void assertBlocksUntilGateOpens(LogWrite write) throws Exception {
        CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
            try {
                gc.submit(write);
            }
            catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> blocked.get(300, TimeUnit.MILLISECONDS), "submit blocks");
        listener.gate.countDown();
        blocked.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteFromAnEarlierIndexReplacesTheSuffix() throws Exception {
        start(GroupCommitOptions.defaults());
        gc.submit(LogWrite.append(records(1, 10, 1)));
        gc.submit(new LogWrite(6, records(6, 8, 2)));
        listener.awaitReport(new LogPosition(8, 2));
        assertEquals(records(1, 5, 1), log.read(1, 5, Long.MAX_VALUE));
        assertEquals(records(6, 8, 2), log.read(6, 100, Long.MAX_VALUE));
        gc.submit(new LogWrite(4, List.of())); // a pure truncation
        listener.awaitReport(new LogPosition(3, 1));
        assertEquals(3, log.lastIndex());
    }

    @Test
    void aDeferredWriteIsBuiltOnTheWriterThreadInOrderWithTheOthers() throws Exception {
        start(GroupCommitOptions.defaults());
        Thread caller = Thread.currentThread();
        List<Thread> builders = new CopyOnWriteArrayList<>();
        gc.submit(LogWrite.append(records(1, 5, 1)));
        gc.submit(6, 10, 500, () -> {
            builders.add(Thread.currentThread());
            return LogWrite.append(records(6, 10, 2));
        });
        gc.submit(new LogWrite(9, records(9, 9, 3)));
        gc.submit(10, 9, 0, () -> new LogWrite(10, List.of())); // a deferred pure truncation: nothing more
        listener.awaitReport(new LogPosition(9, 3));
        assertEquals(1, builders.size());
        assertNotSame(caller, builders.get(0), "built by the writer, not the caller");
        assertEquals(records(1, 5, 1), log.read(1, 5, Long.MAX_VALUE));
        assertEquals(records(6, 8, 2), log.read(6, 8, Long.MAX_VALUE));
        assertEquals(records(9, 9, 3), log.read(9, 9, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> gc.submit(11, 11, 0, () -> null), "a gap is refused");
    }

    @Test
    void aDeferredWriteThatBuildsAnotherRangeStopsTheWriter() throws Exception {
        start(GroupCommitOptions.defaults());
        try (LogCapture capture = new LogCapture()) {
            gc.submit(1, 3, 100, () -> LogWrite.append(records(1, 2, 1)));
            assertInstanceOf(IllegalStateException.class, listener.failure.get(10, TimeUnit.SECONDS));
            assertEquals(1, capture.at("ERROR").size());
        }
        assertEquals(null, listener.last(), "nothing reported durable");
    }

    @Test
    void aWriteThatWouldLeaveAGapIsRejectedAtOnce() throws Exception {
        start(GroupCommitOptions.defaults());
        gc.submit(LogWrite.append(records(1, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> gc.submit(LogWrite.append(records(5, 5, 1))));
        gc.submit(LogWrite.append(records(4, 4, 1)));
        listener.awaitReport(new LogPosition(4, 1));
    }

    @Test
    void compactionRunsOnTheWriterThreadBehindEarlierWrites() throws Exception {
        start(GroupCommitOptions.defaults());
        gc.submit(LogWrite.append(records(1, 100, 1)));
        gc.compact(50, 1).get(10, TimeUnit.SECONDS);
        assertEquals(51, log.firstIndex());
        assertThrows(IllegalArgumentException.class, () -> gc.submit(new LogWrite(50, records(50, 50, 2))));
        gc.compact(300, 4).get(10, TimeUnit.SECONDS); // log replaced by a snapshot
        gc.submit(LogWrite.append(records(301, 301, 4)));
        listener.awaitReport(new LogPosition(301, 4));
        assertEquals(301, log.firstIndex());
    }

    @Test
    @SuppressWarnings("try") // the resource only scopes the unwritable directory
    void anIOErrorReachesTheListenerAndFailsLaterSubmits() throws Exception {
        start(GroupCommitOptions.defaults(), LogOptions.defaults().withSegmentSize(4096));
        gc.submit(LogWrite.append(records(1, 5, 1)));
        listener.awaitReport(new LogPosition(5, 1));
        try (Unwritable u = Unwritable.make(dir); LogCapture capture = new LogCapture()) {
            gc.submit(LogWrite.append(records(6, 200, 1))); // needs new segments: cannot be created
            Throwable cause = listener.failure.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, cause);
            IOException e = assertThrows(IOException.class, () -> gc.submit(LogWrite.append(records(201, 201, 1))));
            assertSame(cause, e.getCause());
            assertEquals(1, capture.at("ERROR").size(), "the failure is logged as well");
        }
        assertEquals(new LogPosition(5, 1), listener.last(), "nothing after the failure was reported durable");
    }

    @Test
    void anExceptionThrownByTheListenerStopsTheWriterLoudly() throws Exception {
        start(GroupCommitOptions.defaults());
        listener.toThrow = new IllegalStateException("listener bug");
        try (LogCapture capture = new LogCapture()) {
            gc.submit(LogWrite.append(records(1, 1, 1)));
            assertSame(listener.toThrow, listener.failure.get(10, TimeUnit.SECONDS));
            assertThrows(IOException.class, () -> gc.submit(LogWrite.append(records(2, 2, 1))));
            assertTrue(capture.at("ERROR").get(0).contains("listener bug"), capture.at("ERROR").toString());
        }
    }

    @Test
    void withoutFsyncRecordsAreStillReportedDurable() throws Exception {
        start(GroupCommitOptions.defaults().withFsync(false));
        gc.submit(LogWrite.append(records(1, 50, 3)));
        listener.awaitReport(new LogPosition(50, 3));
    }

    @Test
    void closeWritesWhatIsQueuedAndThenRefusesSubmits() throws Exception {
        start(GroupCommitOptions.defaults());
        for (long i = 1; i <= 500; i += 10)
            gc.submit(LogWrite.append(records(i, i + 9, 1)));
        gc.close();
        assertEquals(500, log.lastIndex());
        assertEquals(new LogPosition(500, 1), listener.last());
        assertThrows(IllegalStateException.class, () -> gc.submit(LogWrite.append(records(501, 501, 1))));
    }
}
