package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.jgroups.abcast.log.TestRecords.*;
import static org.junit.jupiter.api.Assertions.*;

class SnapshotStoreTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("snapshots"))) {
            return s.toList();
        }
    }

    @Test
    void anEmptyStoreHasNoSnapshot() throws IOException {
        assertEquals(Optional.empty(), SnapshotStore.open(dir.resolve("snapshots")).latest());
    }

    @Test
    void theNewestSnapshotSurvivesReopenAndOlderOnesAreDeleted() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir.resolve("snapshots"));
        store.write(10, 1, new byte[]{1});
        store.write(20, 2, new byte[]{2, 2});
        assertEquals(1, files().size(), files().toString());
        assertEquals(Optional.of(new Snapshot(20, 2, new byte[]{2, 2})), SnapshotStore.open(dir.resolve("snapshots")).latest());
    }

    @Test
    void aDamagedSnapshotIsSkippedWithAWarning() throws IOException {
        SnapshotStore store = SnapshotStore.open(dir.resolve("snapshots"));
        store.write(10, 1, new byte[100]);
        Path file = files().get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[50] ^= 4;
        Files.write(file, bytes);
        try (LogCapture capture = new LogCapture()) {
            assertEquals(Optional.empty(), store.latest());
            assertTrue(capture.warnings().get(0).contains(file.toString()), capture.warnings().toString());
        }
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRemovedOnOpen() throws IOException {
        SnapshotStore.open(dir.resolve("snapshots")).write(10, 1, new byte[3]);
        Files.write(dir.resolve("snapshots").resolve("snapshot-00000000000000000020.snap.tmp"), new byte[7]);
        SnapshotStore store = SnapshotStore.open(dir.resolve("snapshots"));
        assertEquals(1, files().size());
        assertEquals(10, store.latest().orElseThrow().index());
    }

    /** The state machine of this test: the sum of all payload bytes and the number of records applied. */
    private static long[] apply(long[] state, List<LogRecord> records) {
        long[] s = state.clone();
        for (LogRecord r : records) {
            for (byte b : r.payload())
                s[0] += b;
            s[1]++;
        }
        return s;
    }

    private static byte[] encode(long[] s) {
        return ByteBuffer.allocate(16).putLong(s[0]).putLong(s[1]).array();
    }

    @Test
    void aSnapshotPlusTheLogAfterItReconstructTheState() throws IOException {
        LogOptions small = LogOptions.defaults().withSegmentSize(4096);
        List<LogRecord> all = records(1, 300, 1);
        long[] expected = apply(new long[2], all);
        try (SegmentedLog log = SegmentedLog.open(dir.resolve("log"), small)) {
            log.append(all.subList(0, 200));
            SnapshotStore.open(dir.resolve("snapshots")).write(150, 1, encode(apply(new long[2], all.subList(0, 150))));
            log.compactUpTo(150, 1);
            log.append(all.subList(200, 300));
        }
        try (SegmentedLog log = SegmentedLog.open(dir.resolve("log"), small)) {
            Snapshot snap = SnapshotStore.open(dir.resolve("snapshots")).latest().orElseThrow();
            assertEquals(snap.index() + 1, log.firstIndex());
            assertEquals(snap.term(), log.termAt(log.firstIndex() - 1));
            ByteBuffer b = ByteBuffer.wrap(snap.data());
            long[] restored = apply(new long[]{b.getLong(), b.getLong()}, log.read(log.firstIndex(), log.lastIndex(), Long.MAX_VALUE));
            assertArrayEquals(expected, restored);
            assertEquals(300, restored[1]);
        }
    }
}
