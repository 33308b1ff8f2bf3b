package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.SnapshotMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-member replica's delivery cursor and snapshots: pausing delivery does not lose or repeat entries, a
 * restarted replica hands its application the snapshot's state before the first delivery, and a log compacted beyond
 * every readable snapshot refuses to start.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaSnapshotTest {
    @TempDir
    Path dir;

    /** An application that records what it is handed, in order: "state@i" for a state, the text for a message. */
    static final class Recording implements DeliveryListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(Delivery d) {
            events.add(new String(d.payload(), StandardCharsets.UTF_8));
        }

        @Override
        public void installState(long index, byte[] state) {
            events.add("state@" + index + ":" + new String(state, StandardCharsets.UTF_8));
        }
    }

    private Replica open(Recording app) throws IOException {
        ReplicaOptions o = ReplicaOptions.defaults("a", "test-cluster", dir.resolve("a"), List.of("a")).withTiming(5, 20, 4);
        return Replica.open(o, (to, bytes) -> { }, app);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(Replica r, String... texts) throws Exception {
        for (String t : texts) r.submit(bytes(t)).get(10, TimeUnit.SECONDS);
    }

    private boolean compacted() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("a").resolve("log"))) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("compaction-point"));
        }
    }

    /** Takes a snapshot whose application state is the given text; returns its index once the log is compacted. */
    private long snapshot(Replica r, String appState) throws Exception {
        SnapshotMeta meta = r.pauseForSnapshot().get(10, TimeUnit.SECONDS);
        r.resumeDelivery(meta.index());
        r.saveSnapshot(meta, appState.getBytes(StandardCharsets.UTF_8));
        ReplicaTestSupport.await("the log compacted", 10_000, this::compacted);
        return meta.index();
    }

    @Test
    void entriesCommittedWhileDeliveryIsPausedAreDeliveredInOrderAfterTheResume() throws Exception {
        Recording app = new Recording();
        try (Replica r = open(app)) {
            send(r, "m1", "m2");
            long pausedAt = r.pauseDelivery(0).get(10, TimeUnit.SECONDS);
            Delivery last = null;
            for (int i = 3; i <= 50; i++) last = r.submit(bytes("m" + i)).get(10, TimeUnit.SECONDS); // committed meanwhile
            assertTrue(last.index() >= pausedAt + 48, "the engine applied everything");
            assertEquals(List.of("m1", "m2"), app.events, "nothing reaches the application during the pause");
            r.resumeDelivery(pausedAt);
            ReplicaTestSupport.await("all delivered", 10_000, () -> app.events.size() == 50);
            for (int i = 0; i < 50; i++) assertEquals("m" + (i + 1), app.events.get(i));
        }
    }

    @Test
    void aStateCoveringIndexIMakesDeliveryContinueWithTheEntryAfterI() throws Exception {
        Recording app = new Recording();
        try (Replica r = open(app)) {
            send(r, "m1");
            long pausedAt = r.pauseDelivery(0).get(10, TimeUnit.SECONDS);
            long covered = r.submit(bytes("m2")).get(10, TimeUnit.SECONDS).index(); // a state reflecting m2
            send(r, "m3");
            r.resumeDelivery(covered);
            ReplicaTestSupport.await("m3 delivered", 10_000, () -> app.events.contains("m3"));
            assertTrue(covered > pausedAt);
            assertEquals(List.of("m1", "m3"), app.events, "m2 is covered by the state: not delivered, m3 is");
        }
    }

    @Test
    void aRestartedReplicaHandsItsApplicationTheSnapshotFirstThenOnlyTheEntriesAfterIt() throws Exception {
        Recording first = new Recording();
        long index;
        try (Replica r = open(first)) {
            send(r, "m1", "m2", "m3");
            index = snapshot(r, "m1,m2,m3");
            send(r, "m4");
        }
        Recording app = new Recording();
        try (Replica r = open(app)) {
            ReplicaTestSupport.await("m4 replayed", 10_000, () -> app.events.contains("m4"));
            assertEquals(List.of("state@" + index + ":m1,m2,m3", "m4"), app.events);
        }
    }

    @Test
    void aLogCompactedBeyondEveryReadableSnapshotRefusesToStart() throws Exception {
        try (Replica r = open(new Recording())) {
            send(r, "m1", "m2");
            snapshot(r, "m1,m2");
        }
        try (Stream<Path> s = Files.list(dir.resolve("a").resolve("snapshots"))) {
            for (Path p : s.toList()) Files.delete(p);
        }
        IOException e = assertThrows(IOException.class, () -> open(new Recording()));
        assertTrue(e.getMessage().contains("no readable snapshot"), e.getMessage());
    }
}
