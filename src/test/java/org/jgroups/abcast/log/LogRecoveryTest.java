package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.jgroups.abcast.log.TestRecords.*;
import static org.junit.jupiter.api.Assertions.*;

class LogRecoveryTest {
    private static final LogOptions SMALL = LogOptions.defaults().withSegmentSize(4096);

    @TempDir
    Path tmp;

    /** Writes records 1..n (the term rises every 50 records) to a new log in {@code dir} and closes it. */
    private static List<LogRecord> writeLog(Path dir, int n) throws IOException {
        List<LogRecord> all = new ArrayList<>();
        for (long i = 1; i <= n; i++)
            all.add(record(i, 1 + i / 50));
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            for (int i = 0; i < n; i += 7)
                log.append(all.subList(i, Math.min(n, i + 7)));
        }
        return all;
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Segment.firstIndexOf(p) >= 0).sorted().toList();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList())
                Files.copy(p, to.resolve(p.getFileName()));
        }
        return to;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ (1 << bit))).rewind();
            ch.write(b, offset);
        }
    }

    private static void writeAt(Path file, long offset, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(bytes, offset);
        }
    }

    /** Byte offset of record {@code index} in its segment, computed from the frame sizes. */
    private static long offsetOf(List<LogRecord> all, Path segment, long index) {
        long off = 0;
        for (long i = Segment.firstIndexOf(segment); i < index; i++)
            off += FrameCodec.frameSize(all.get((int) i - 1));
        return off;
    }

    private static void assertPrefix(List<LogRecord> all, SegmentedLog log) throws IOException {
        List<LogRecord> read = log.lastIndex() == 0 ? List.of() : log.read(1, log.lastIndex(), Long.MAX_VALUE);
        assertEquals(all.subList(0, (int) log.lastIndex()), read);
    }

    @Test
    void tornTailAtEveryByteOffsetOfTheLastRecordDropsExactlyThatRecordWithAWarning() throws IOException {
        List<LogRecord> all = writeLog(tmp.resolve("master"), 100);
        Path lastSegment = segments(tmp.resolve("master")).get(segments(tmp.resolve("master")).size() - 1);
        long start = offsetOf(all, lastSegment, 100);
        int frame = FrameCodec.frameSize(all.get(99));
        assertTrue(start > 0, "the last segment holds more than the last record");
        for (int cut = 0; cut < frame; cut++) {
            Path dir = copy(tmp.resolve("master"), tmp.resolve("cut" + cut));
            Path file = dir.resolve(lastSegment.getFileName());
            truncate(file, start + cut);
            try (LogCapture capture = new LogCapture(); SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
                assertEquals(99, log.lastIndex(), "cut at " + cut);
                assertPrefix(all, log);
                assertEquals(start, Files.size(file), "the torn bytes are gone from the file");
                List<String> warnings = capture.warnings();
                if (cut == 0) {
                    assertEquals(List.of(), warnings, "nothing torn, nothing to warn about");
                    continue;
                }
                assertEquals(1, warnings.size(), warnings.toString());
                String w = warnings.get(0);
                assertTrue(w.contains(file.toString()) && w.contains("dropping " + cut + " bytes")
                             && w.contains("holding 1 incomplete or damaged record(s) starting at index 100"), w);
                log.append(List.of(all.get(99)));
            }
            try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
                assertEquals(100, log.lastIndex(), "the log is appendable after the repair");
                assertPrefix(all, log);
            }
        }
    }

    @Test
    void aTornFirstRecordOfTheLastSegmentRemovesThatSegment() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        List<Path> files = segments(dir);
        Path last = files.get(files.size() - 1);
        truncate(last, 10);
        try (LogCapture capture = new LogCapture(); SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(Segment.firstIndexOf(last) - 1, log.lastIndex());
            assertPrefix(all, log);
            assertFalse(Files.exists(last));
            assertEquals(1, capture.warnings().size());
        }
    }

    @Test
    void garbageAfterTheLastRecordIsDroppedAsATornTail() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        Path last = segments(dir).get(segments(dir).size() - 1);
        long size = Files.size(last);
        byte[] garbage = new byte[1000];
        new java.util.Random(7).nextBytes(garbage);
        writeAt(last, size, ByteBuffer.wrap(garbage)); // half a write that a crash interrupted
        try (LogCapture capture = new LogCapture(); SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(100, log.lastIndex());
            assertPrefix(all, log);
            assertEquals(size, Files.size(last));
            assertTrue(capture.warnings().get(0).contains("dropping 1000 bytes"), capture.warnings().toString());
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCutWithoutAWarning() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        Path last = segments(dir).get(segments(dir).size() - 1);
        long size = Files.size(last);
        writeAt(last, size, ByteBuffer.allocate(100_000)); // a segment prepared in advance, or block padding
        try (LogCapture capture = new LogCapture(); SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(100, log.lastIndex());
            assertPrefix(all, log);
            assertEquals(size, Files.size(last));
            assertEquals(List.of(), capture.warnings());
            log.append(records(101, 105, 9));
            assertEquals(records(101, 105, 9), log.read(101, 105, Long.MAX_VALUE));
        }
    }

    @Test
    void zerosInASegmentFollowedByRecordsInALaterOneAreCorruption() throws IOException {
        Path dir = tmp.resolve("log");
        writeLog(dir, 100);
        List<Path> segs = segments(dir);
        assertTrue(segs.size() >= 2, "segments: " + segs);
        Path first = segs.get(0);
        writeAt(first, Files.size(first), ByteBuffer.allocate(5000));
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL).close());
        assertTrue(e.getMessage().contains("follows"), e.getMessage());
    }

    @Test
    void aTornTailMayContinueIntoLaterSegmentsThatHoldNoValidRecord() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        List<Path> files = segments(dir);
        Path secondLast = files.get(files.size() - 2), last = files.get(files.size() - 1);
        truncate(secondLast, Files.size(secondLast) - 5);
        writeAt(last, 0, ByteBuffer.allocate((int) Files.size(last)));
        try (LogCapture capture = new LogCapture(); SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(Segment.firstIndexOf(last) - 2, log.lastIndex());
            assertPrefix(all, log);
            assertFalse(Files.exists(last));
            assertEquals(2, capture.warnings().size(), capture.warnings().toString());
        }
    }

    @Test
    void damageFollowedByValidRecordsIsCorruptionNamingFileOffsetIndexAndWhatToDo() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        Path file = segments(dir).get(0);
        long offset = offsetOf(all, file, 10);
        flipBit(file, offset + 30, 3); // in record 10's payload
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertEquals(file, e.file());
        assertEquals(offset, e.offset());
        assertEquals(10, e.index());
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains("byte offset " + offset) && m.contains("record index 10")
                     && m.contains("checksum") && m.contains("move its data directory aside"), m);
    }

    @Test
    void aGarbageLengthFieldIsDamageNotAnAllocation() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 100);
        Path file = segments(dir).get(0);
        long offset = offsetOf(all, file, 5);
        writeAt(file, offset + FrameCodec.LENGTH_OFFSET, ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE));
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertEquals(5, e.index());
        assertTrue(e.getMessage().contains("length field (" + Integer.MAX_VALUE + ")"), e.getMessage());
    }

    @Test
    void aMissingSegmentIsCorruption() throws IOException {
        Path dir = tmp.resolve("log");
        writeLog(dir, 100);
        List<Path> files = segments(dir);
        Files.delete(files.get(1));
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertEquals(files.get(2), e.file());
        assertTrue(e.getMessage().contains("records are missing"), e.getMessage());
    }

    @Test
    void aValidRecordWithAnUnexpectedIndexIsCorruption() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("log"));
        ByteBuffer buf = ByteBuffer.allocate(1000);
        for (long i : new long[]{1, 2, 4, 5})
            FrameCodec.encode(record(i, 1), buf);
        Files.write(Segment.pathFor(dir, 1), java.util.Arrays.copyOf(buf.array(), buf.position()));
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertEquals(3, e.index());
        assertTrue(e.getMessage().contains("index 4 where index 3 was expected"), e.getMessage());
    }

    @Test
    void randomBitFlipsAreAlwaysDetectedAndNeverReturnedAsData() throws IOException {
        Path master = tmp.resolve("master");
        List<LogRecord> all = writeLog(master, 200);
        List<Path> files = segments(master);
        long total = 0;
        for (Path f : files)
            total += Files.size(f);
        Path last = files.get(files.size() - 1);
        long lastSize = Files.size(last);
        long lastRecordStart = offsetOf(all, last, 200);
        Random rnd = new Random(20240611);
        int trials = 300, truncated = 0, corrupted = 0;
        for (int t = 0; t < trials; t++) {
            Path file;
            long offset;
            if (t % 2 == 0) { // anywhere in the log
                long global = (long) (rnd.nextDouble() * total);
                int i = 0;
                while (global >= Files.size(files.get(i)))
                    global -= Files.size(files.get(i++));
                file = files.get(i);
                offset = global;
            }
            else { // near the end, where a flip can look like a torn tail
                file = last;
                offset = lastSize - 1 - rnd.nextInt(300);
            }
            Path dir = copy(master, tmp.resolve("t" + t));
            flipBit(dir.resolve(file.getFileName()), offset, rnd.nextInt(8));
            try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
                assertEquals(last, file, "trial " + t + ": only damage at the very end may open");
                assertTrue(offset >= lastRecordStart, "trial " + t + ": flip at " + offset + " opened cleanly");
                assertEquals(199, log.lastIndex(), "trial " + t);
                assertPrefix(all, log);
                truncated++;
            }
            catch (LogCorruptedException e) {
                assertEquals(dir.resolve(file.getFileName()), e.file(), "trial " + t);
                corrupted++;
            }
        }
        assertEquals(trials, truncated + corrupted);
        assertTrue(truncated > 0 && corrupted > 0, "both outcomes occurred: " + truncated + "/" + corrupted);
    }

    @Test
    void anInterruptedCompactionIsCompletedOnOpen() throws IOException {
        Path dir = tmp.resolve("log");
        List<LogRecord> all = writeLog(dir, 200);
        Path saved = copy(dir, tmp.resolve("saved"));
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            log.compactUpTo(150, all.get(149).term());
        }
        try (Stream<Path> s = Files.list(saved)) { // as if the crash came before the segments were deleted
            for (Path p : s.filter(p -> Segment.firstIndexOf(p) >= 0).toList())
                Files.copy(p, dir.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(151, log.firstIndex());
            assertEquals(all.get(149).term(), log.termAt(150));
            assertEquals(all.subList(150, 200), log.read(151, 200, Long.MAX_VALUE));
            assertTrue(segments(dir).size() < segments(saved).size());
        }
    }

    @Test
    void anInterruptedCompactionBeyondTheLastIndexLeavesAnEmptyLog() throws IOException {
        Path dir = tmp.resolve("log");
        writeLog(dir, 200);
        Path saved = copy(dir, tmp.resolve("saved"));
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            log.compactUpTo(1000, 9);
        }
        Files.copy(segments(saved).get(3), dir.resolve(segments(saved).get(3).getFileName()));
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            assertEquals(1000, log.lastIndex());
            assertEquals(1001, log.firstIndex());
            assertEquals(List.of(), segments(dir));
        }
    }

    @Test
    void aDamagedCompactionPointIsAClearError() throws IOException {
        Path dir = tmp.resolve("log");
        writeLog(dir, 100);
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            log.compactUpTo(20, log.termAt(20));
        }
        flipBit(dir.resolve("compaction-point"), 10, 0);
        StorageCorruptedException e = assertThrows(StorageCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains(dir.resolve("compaction-point").toString())
                     && e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aCompactionPointContradictingTheLogIsCorruption() throws IOException {
        Path dir = tmp.resolve("log");
        writeLog(dir, 100);
        try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
            log.compactUpTo(60, log.termAt(60));
        }
        ChecksummedFile.write(dir.resolve("compaction-point"), 0x41424350,
                              ByteBuffer.allocate(16).putLong(60).putLong(99).array());
        LogCorruptedException e = assertThrows(LogCorruptedException.class, () -> SegmentedLog.open(dir, SMALL));
        assertEquals(60, e.index());
    }
}
