package org.jgroups.abcast.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.jgroups.abcast.log.TestRecords.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SegmentedLogTest {
    @TempDir
    Path dir;
    private SegmentedLog log;

    @AfterEach
    void closeLog() throws IOException {
        if (log != null)
            log.close();
    }

    private SegmentedLog open(long segmentSize) throws IOException {
        if (log != null)
            log.close();
        return log = SegmentedLog.open(dir, LogOptions.defaults().withSegmentSize(segmentSize));
    }

    private long currentSegmentSize = 64L << 20;

    private SegmentedLog reopen() throws IOException {
        return open(currentSegmentSize);
    }

    private SegmentedLog openSmall() throws IOException {
        currentSegmentSize = 2000;
        return open(currentSegmentSize);
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Segment.firstIndexOf(p) >= 0).sorted().toList();
        }
    }

    private void assertHolds(long from, long to, long term) throws IOException {
        assertEquals(records(from, to, term), log.read(from, to, Long.MAX_VALUE));
    }

    @Test
    void emptyLogStartsAtIndexOneWithTermZeroBeforeIt() throws IOException {
        open(currentSegmentSize);
        assertEquals(1, log.firstIndex());
        assertEquals(0, log.lastIndex());
        assertEquals(0, log.termAt(0));
        assertEquals(-1, log.termAt(1));
        assertEquals(List.of(), log.read(1, 10, 1000));
    }

    @Test
    void appendedRecordsAreReadableByIndexAndRange() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 50, 1));
        log.append(records(51, 100, 3));
        assertEquals(100, log.lastIndex());
        for (long i = 1; i <= 100; i++)
            assertEquals(List.of(record(i, i <= 50 ? 1 : 3)), log.read(i, i, Long.MAX_VALUE));
        assertEquals(1, log.termAt(50));
        assertEquals(3, log.termAt(51));
        assertEquals(-1, log.termAt(101));
        assertHolds(51, 100, 3);
        assertEquals(100, log.read(1, 1000, Long.MAX_VALUE).size(), "the range is clipped to lastIndex");
        assertEquals(List.of(), log.read(101, 200, Long.MAX_VALUE));
    }

    @Test
    void readStopsBeforeMaxBytesButReturnsAtLeastOneRecord() throws IOException {
        open(currentSegmentSize);
        List<LogRecord> recs = new ArrayList<>();
        for (long i = 1; i <= 10; i++)
            recs.add(new LogRecord(i, 1, new byte[76])); // 100 bytes per frame
        log.append(recs);
        assertEquals(recs.subList(0, 3), log.read(1, 10, 399));
        assertEquals(recs.subList(0, 4), log.read(1, 10, 400));
        assertEquals(recs.subList(4, 5), log.read(5, 10, 0));
    }

    @Test
    void appendRejectsGapsDecreasingTermsAndOversizedRecordsWithoutWritingAnything() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> log.append(records(7, 8, 2)));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(record(6, 2), record(8, 2))));
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of(record(6, 2), record(7, 1))));
        assertThrows(IllegalArgumentException.class,
                     () -> log.append(List.of(new LogRecord(6, 2, new byte[(16 << 20) + 1]))));
        assertEquals(5, log.lastIndex());
        log.append(records(6, 6, 2));
        assertHolds(1, 6, 2);
    }

    @Test
    void recordsSurviveReopen() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 300, 1));
        log.force();
        reopen();
        assertEquals(1, log.firstIndex());
        assertEquals(300, log.lastIndex());
        assertHolds(1, 300, 1);
        log.append(records(301, 310, 2));
        assertEquals(2, log.termAt(310));
    }

    @Test
    void theNextSegmentIsPreparedInAdvanceAndHoldsOnlyItsRecordsOnceSealed() throws Exception {
        currentSegmentSize = 9000;
        open(currentSegmentSize);
        Path prepared = dir.resolve(SegmentPreparer.FILE);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(prepared) && Files.size(prepared) >= 9000) && System.nanoTime() < deadline)
            Thread.sleep(10);
        assumeTrue(Files.exists(prepared), "no segment was prepared (file system without direct I/O)");
        long preparedSize = Files.size(prepared);
        Thread.sleep(200); // let it be forced and published
        long last = 0;
        while (segmentFiles().size() < 2) { // fill the first segment and start the second with a few records
            log.append(records(last + 1, last + 5, 1));
            last += 5;
        }
        log.force();
        Path second = segmentFiles().get(1);
        assertEquals(preparedSize, Files.size(second), "the second segment is the prepared file, written in place");
        log.close();
        assertFalse(Files.exists(prepared), "closing removes a prepared file");
        for (Path f : segmentFiles())
            assertTrue(Files.size(f) <= 9000, f + " holds only its records once sealed: " + Files.size(f));
        reopen();
        assertHolds(1, last, 1);
    }

    @Test
    void whatACrashLeavesOfAnOpenLogRecoversEveryForcedRecord(@TempDir Path crashImage) throws IOException {
        openSmall();
        log.append(records(1, 95, 1)); // several segments; the last one ends inside a block (padded while open)
        log.force();
        for (Path f : segmentFiles())
            Files.copy(f, crashImage.resolve(f.getFileName()));
        try (SegmentedLog recovered = SegmentedLog.open(crashImage, LogOptions.defaults().withSegmentSize(2000))) {
            assertEquals(95, recovered.lastIndex());
            assertEquals(records(1, 95, 1), recovered.read(1, 95, Long.MAX_VALUE));
            recovered.append(records(96, 99, 2));
            assertEquals(records(96, 99, 2), recovered.read(96, 99, Long.MAX_VALUE));
        }
    }

    @Test
    void rollsOverToANewSegmentWhenTheNextRecordWouldExceedTheSegmentSize() throws IOException {
        openSmall();
        log.append(records(1, 100, 1));
        log.append(List.of(new LogRecord(101, 1, new byte[5000]))); // larger than a segment: gets its own
        log.append(records(102, 120, 1));
        log.close(); // a closed log's files hold exactly their records (no block padding of direct writes)
        List<Path> files = segmentFiles();
        assertTrue(files.size() > 5, "segments: " + files);
        for (Path f : files) {
            long size = Files.size(f);
            assertTrue(size <= 2000 || size == 24 + 5000, f + " has " + size + " bytes");
        }
        reopen();
        assertEquals(1, Segment.firstIndexOf(files.get(0)));
        assertTrue(files.stream().anyMatch(f -> Segment.firstIndexOf(f) == 101));
        assertHolds(1, 100, 1);
        assertEquals(120, log.read(1, 120, Long.MAX_VALUE).size(), "one read spans all segments");
        reopen();
        assertEquals(120, log.lastIndex());
        assertHolds(102, 120, 1);
        assertEquals(5000, log.read(101, 101, 0).get(0).payload().length);
    }

    @Test
    void truncateFromRemovesTheSuffixWithinASegment() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 20, 1));
        log.truncateFrom(11);
        assertEquals(10, log.lastIndex());
        assertEquals(-1, log.termAt(11));
        log.append(records(11, 15, 2));
        log.force();
        reopen();
        assertEquals(15, log.lastIndex());
        assertHolds(1, 10, 1);
        assertHolds(11, 15, 2);
    }

    @Test
    void truncateFromAcrossSegmentsDeletesLaterSegments() throws IOException {
        openSmall();
        log.append(records(1, 200, 1));
        int before = segmentFiles().size();
        long cut = 37;
        log.truncateFrom(cut);
        assertTrue(segmentFiles().size() < before);
        assertEquals(cut - 1, log.lastIndex());
        log.append(records(cut, 60, 2));
        log.force();
        reopen();
        assertHolds(1, cut - 1, 1);
        assertHolds(cut, 60, 2);
        assertEquals(60, log.lastIndex());
    }

    @Test
    void truncateFromAtASegmentBoundaryKeepsThePreviousSegmentAppendable() throws IOException {
        openSmall();
        log.append(records(1, 100, 1));
        long boundary = Segment.firstIndexOf(segmentFiles().get(1));
        log.truncateFrom(boundary);
        assertEquals(1, segmentFiles().size());
        log.append(records(boundary, boundary + 3, 2));
        log.force();
        reopen();
        assertHolds(boundary, boundary + 3, 2);
        assertEquals(1, log.termAt(boundary - 1));
    }

    @Test
    void truncateFromEverythingThenAppendStartsOver() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 1));
        log.truncateFrom(1);
        assertEquals(0, log.lastIndex());
        assertEquals(List.of(), segmentFiles());
        log.append(records(1, 2, 5));
        log.force();
        reopen();
        assertHolds(1, 2, 5);
    }

    @Test
    void truncateAtOrBelowTheCompactionPointIsRejected() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 1));
        log.compactUpTo(5, 1);
        assertThrows(IllegalArgumentException.class, () -> log.truncateFrom(5));
        log.truncateFrom(6);
        assertEquals(5, log.lastIndex());
    }

    @Test
    void compactionDropsOnlySegmentsWhoseRecordsAreAllCompactedAndRemembersTheTerm() throws IOException {
        openSmall();
        log.append(records(1, 100, 1));
        log.append(records(101, 200, 2));
        List<Path> files = segmentFiles();
        long secondSegmentStart = Segment.firstIndexOf(files.get(1));
        long index = secondSegmentStart + 2; // inside the second segment
        log.compactUpTo(index, 1);
        assertEquals(files.subList(1, files.size()), segmentFiles(), "only the first segment is wholly compacted");
        assertEquals(index + 1, log.firstIndex());
        assertEquals(1, log.termAt(log.firstIndex() - 1));
        assertEquals(-1, log.termAt(index - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> log.read(index, index, 100));
        assertHolds(index + 1, 100, 1);
        reopen();
        assertEquals(new LogPosition(index, 1), log.compactionPoint());
        assertEquals(index + 1, log.firstIndex());
        assertEquals(1, log.termAt(index));
        assertHolds(101, 200, 2);
    }

    @Test
    void compactionBeyondLastIndexEmptiesTheLogAndTheNextAppendFollowsTheSnapshot() throws IOException {
        openSmall();
        log.append(records(1, 100, 1));
        log.compactUpTo(500, 7);
        assertEquals(List.of(), segmentFiles());
        assertEquals(501, log.firstIndex());
        assertEquals(500, log.lastIndex());
        assertEquals(7, log.termAt(500));
        assertThrows(IllegalArgumentException.class, () -> log.append(records(101, 101, 7)));
        reopen();
        assertEquals(500, log.lastIndex());
        assertEquals(7, log.termAt(500));
        log.append(records(501, 510, 7));
        log.force();
        reopen();
        assertHolds(501, 510, 7);
    }

    @Test
    void compactionRejectsATermThatContradictsTheLog() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 2));
        assertThrows(IllegalArgumentException.class, () -> log.compactUpTo(5, 3));
        assertEquals(1, log.firstIndex());
        log.compactUpTo(5, 2);
        log.compactUpTo(3, 2); // below the compaction point: no-op
        assertEquals(6, log.firstIndex());
    }

    @Test
    void replacingByASnapshotKeepsTheRecordsAfterItWhenTheLogHoldsItsEntry() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 2));
        log.replaceBySnapshot(5, 2);
        assertEquals(6, log.firstIndex());
        assertHolds(6, 10, 2);
    }

    @Test
    void replacingByASnapshotOfAnotherTermOrBeyondTheEndDropsEveryRecord() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 2));
        log.replaceBySnapshot(5, 3); // the log holds index 5 with another term: none of it can be kept
        assertEquals(6, log.firstIndex());
        assertEquals(5, log.lastIndex());
        assertEquals(3, log.termAt(5));
        log.append(records(6, 8, 3));
        log.replaceBySnapshot(20, 4); // beyond the end
        assertEquals(21, log.firstIndex());
        assertEquals(20, log.lastIndex());
        log.replaceBySnapshot(10, 4); // below the compaction point: no-op
        assertEquals(21, log.firstIndex());
        reopen();
        assertEquals(4, log.termAt(20));
    }

    @Test
    void readersSeeOnlyCompleteRecordsWhileTheWriterAppendsTruncatesAndCompacts() throws Exception {
        openSmall();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long[] reads = new long[3];
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < reads.length; t++) {
            int id = t;
            Thread reader = new Thread(() -> {
                Random rnd = new Random(id);
                while (!stop.get()) {
                    try {
                        long first = log.firstIndex(), last = log.lastIndex();
                        if (last < first)
                            continue;
                        long from = first + rnd.nextInt((int) (last - first + 1));
                        for (LogRecord r : log.read(from, from + rnd.nextInt(50), 1 + rnd.nextInt(3000))) {
                            long termNow = log.termAt(r.index()); // truncations only ever raise an index's term
                            if (!intact(r, 200) || (termNow != -1 && termNow < r.term()))
                                throw new AssertionError("bad record " + r + ", term now " + termNow);
                        }
                        reads[id]++;
                    }
                    catch (IndexOutOfBoundsException compactedMeanwhile) {
                    }
                    catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                }
            });
            readers.add(reader);
            reader.start();
        }
        Random rnd = new Random(42);
        long term = 1;
        long deadline = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < deadline && errors.isEmpty()) {
            long next = log.lastIndex() + 1;
            log.append(records(next, next + rnd.nextInt(40), term));
            if (rnd.nextInt(10) == 0) {
                long from = Math.max(log.firstIndex(), log.lastIndex() - rnd.nextInt(30));
                log.truncateFrom(from);
                term++;
            }
            if (rnd.nextInt(20) == 0 && log.lastIndex() > 500)
                log.compactUpTo(log.lastIndex() - 300, log.termAt(log.lastIndex() - 300));
            if (rnd.nextInt(5) == 0)
                log.force();
        }
        stop.set(true);
        for (Thread r : readers)
            r.join();
        assertEquals(List.of(), List.copyOf(errors));
        for (long n : reads)
            assertTrue(n > 100, "each reader made progress: " + n);
    }

    @Test
    void aReaderInterruptDoesNotBreakTheLogForOthers() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 10, 1));
        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class, () -> log.read(1, 10, Long.MAX_VALUE));
        }
        finally {
            Thread.interrupted();
        }
        assertHolds(1, 10, 1);
        log.append(records(11, 12, 1));
        log.force();
        assertHolds(1, 12, 1);
    }

    @Test
    void closedLogRejectsUse() throws IOException {
        open(currentSegmentSize);
        log.append(records(1, 3, 1));
        log.close();
        assertThrows(IllegalStateException.class, () -> log.read(1, 1, 10));
        assertThrows(IllegalStateException.class, () -> log.append(records(4, 4, 1)));
        log = null;
    }

    @Test
    @SuppressWarnings("try") // the resource only scopes the unwritable directory
    void writeErrorsReachTheCallerAndStopFurtherWrites() throws Exception {
        openSmall();
        log.append(records(1, 10, 1));
        log.force();
        try (Unwritable u = Unwritable.make(dir)) {
            // enough to need new segments, which cannot be created in an unwritable directory
            IOException e = assertThrows(IOException.class, () -> log.append(records(11, 200, 1)));
            assertNotNull(e.getMessage());
            assertThrows(IOException.class, () -> log.append(records(log.lastIndex() + 1, log.lastIndex() + 1, 1)),
                         "the log refuses writes after a failure");
            assertThrows(IOException.class, () -> log.force());
        }
        assertHolds(1, 10, 1);
        reopen();
        assertHolds(1, 10, 1);
    }
}
