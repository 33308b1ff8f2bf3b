package org.jgroups.protocols.abcast;

import org.jgroups.JChannel;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention on real channels. Default: the whole history is kept and replayed. With RECOVERY's snapshot_interval the
 * log is compacted below snapshots of the application's state; a member that needs compacted entries gets the
 * snapshot and then the log after it, and a restarted member starts from its local snapshot.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompactionTest extends ChannelTestBase {

    private JChannel start(String name, StateTransferTest.ListApp app, long snapshotInterval) throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), "A,B,C");
        ABCAST.find(ch).fsync(false);
        ABCAST.find(ch).leave_on_disconnect = false; // a restart keeps its seat
        recovery(ch).snapshot_interval = snapshotInterval;
        ch.setReceiver(app);
        ch.connect(cluster);
        channels.add(ch);
        return ch;
    }

    private static RECOVERY recovery(JChannel ch) {
        return ch.getProtocolStack().findProtocol(RECOVERY.class);
    }

    private JChannel startThree(StateTransferTest.ListApp a, StateTransferTest.ListApp b, StateTransferTest.ListApp c,
                                long snapshotInterval) throws Exception {
        JChannel chA = start("A", a, snapshotInterval);
        start("B", b, snapshotInterval);
        start("C", c, snapshotInterval);
        TestChannels.waitFor("three voters", 20_000, () -> ABCAST.find(chA).voters().split(",").length == 3);
        return chA;
    }

    /** A, B, C compacting every 100 entries, 400 messages sent, A's log compacted at least once. Returns A. */
    private JChannel compactedCluster(StateTransferTest.ListApp a) throws Exception {
        JChannel chA = startThree(a, new StateTransferTest.ListApp(), new StateTransferTest.ListApp(), 100);
        send(chA, "m", 400);
        TestChannels.waitFor("A compacted its log", 30_000, () -> recovery(chA).getSnapshotsTaken() > 0);
        return chA;
    }

    private static void send(JChannel ch, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) ch.send(null, (prefix + i).getBytes());
    }

    private JChannel channel(String name) {
        return channels.stream().filter(c -> name.equals(c.getName())).findFirst().orElseThrow();
    }

    private void crash(String name) throws Exception {
        JChannel ch = channel(name);
        channels.remove(ch);
        Util.shutdown(ch);
    }

    private long snapshotFiles(String member) throws Exception {
        Path dir = root.resolve(member).resolve("snapshots");
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".snap")).count();
        }
    }

    @Test
    void byDefaultTheWholeHistoryIsKeptAndARestartedMemberReceivesItFromTheFirstMessage() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp();
        JChannel chA = startThree(a, new StateTransferTest.ListApp(), new StateTransferTest.ListApp(), 0);
        send(chA, "m", 300);
        crash("C");
        send(chA, "while C is down ", 50);
        StateTransferTest.ListApp c2 = new StateTransferTest.ListApp();
        start("C", c2, 0);
        TestChannels.waitFor("C and A have everything", 30_000, () -> c2.list().size() == 350 && a.list().size() == 350);
        assertEquals(a.list(), c2.list(), "the whole history, replayed from the first message");
        assertFalse(c2.stateInstalled, "no state was needed");
        assertEquals(0, recovery(chA).getSnapshotsTaken());
        assertEquals(0, snapshotFiles("A"));
    }

    @Test
    void aNewMemberNeedingCompactedEntriesGetsTheSnapshotAndThenTheLogAfterIt() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp();
        JChannel chA = compactedCluster(a);

        StateTransferTest.ListApp d = new StateTransferTest.ListApp();
        JChannel chD = start("D", d, 100);
        TestChannels.waitFor("D installed a snapshot", 30_000, () -> recovery(chD).getSnapshotsInstalled() > 0);
        send(chA, "after D joined ", 50);
        TestChannels.waitFor("D and A have everything", 30_000, () -> d.list().size() == 450 && a.list().size() == 450);
        assertEquals(a.list(), d.list(), "snapshot at index i, then i+1, i+2, ...: the same state as A's");
        assertTrue(d.stateInstalled);
        System.out.printf("compaction-test: D installed the %s%n", recovery(chD).getLastSnapshotTransfer());
    }

    @Test
    void aSnapshotOfManyChunksReachesANewMemberWhole() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp();
        JChannel chA = startThree(a, new StateTransferTest.ListApp(), new StateTransferTest.ListApp(), 100);
        String big = "x".repeat(60_000);
        for (int i = 0; i < 150; i++) chA.send(null, (i + big).getBytes()); // a snapshot of ~6 MB: 6 chunks
        TestChannels.waitFor("A compacted its log", 30_000, () -> recovery(chA).getSnapshotsTaken() > 0);
        StateTransferTest.ListApp d = new StateTransferTest.ListApp();
        JChannel chD = start("D", d, 0);
        TestChannels.waitFor("D installed a snapshot", 30_000, () -> recovery(chD).getSnapshotsInstalled() > 0);
        chA.send(null, "last".getBytes());
        TestChannels.waitFor("D and A have everything", 30_000, () -> d.list().size() == 151 && a.list().size() == 151);
        assertEquals(a.list(), d.list());
        System.out.printf("compaction-test: D installed the %s%n", recovery(chD).getLastSnapshotTransfer());
    }

    @Test
    void aJoinerThatCallsGetStateWhileItIsSentASnapshotEndsWithTheSameState() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp();
        JChannel chA = compactedCluster(a);

        StateTransferTest.ListApp d = new StateTransferTest.ListApp();
        JChannel chD = start("D", d, 100);
        TestChannels.waitFor("D sees the others", 20_000, () -> chD.getView().size() >= 4);
        chD.getState(null, 20_000); // both a state transfer and (for its log) a snapshot transfer
        send(chA, "after D joined ", 50);
        TestChannels.waitFor("D and A have everything", 30_000, () -> d.list().size() == 450 && a.list().size() == 450);
        assertEquals(a.list(), d.list());
    }

    @Test
    void aMemberWhoseDiskWasWipedRecoversThroughTheSnapshot() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp();
        JChannel chA = compactedCluster(a);
        crash("C");
        TestChannels.deleteTree(root.resolve("C"));
        StateTransferTest.ListApp c2 = new StateTransferTest.ListApp();
        JChannel chC = start("C", c2, 100);
        send(chA, "after C came back ", 50);
        TestChannels.waitFor("C and A have everything", 30_000, () -> c2.list().size() == 450 && a.list().size() == 450);
        assertEquals(a.list(), c2.list());
        assertTrue(recovery(chC).getSnapshotsInstalled() > 0, "recovered through a snapshot");
    }

    @Test
    void aRestartedMemberStartsFromItsLocalSnapshotAndReceivesOnlyWhatFollowsIt() throws Exception {
        StateTransferTest.ListApp a = new StateTransferTest.ListApp(), c = new StateTransferTest.ListApp();
        JChannel chA = startThree(a, new StateTransferTest.ListApp(), c, 100);
        send(chA, "m", 400);
        JChannel chC = channel("C");
        TestChannels.waitFor("C has everything", 30_000, () -> c.list().size() == 400);
        TestChannels.waitFor("C compacted its log", 30_000, () -> recovery(chC).getSnapshotsTaken() > 0);
        crash("C");
        assertEquals(1, snapshotFiles("C"), "one snapshot kept: older ones are deleted");
        send(chA, "while C is down ", 20);

        StateTransferTest.ListApp c2 = new StateTransferTest.ListApp();
        start("C", c2, 100);
        TestChannels.waitFor("C and A have everything", 30_000, () -> c2.list().size() == 420 && a.list().size() == 420);
        assertEquals(a.list(), c2.list());
        assertTrue(c2.stateInstalled, "setState(local snapshot) first");
        long snapshotIndex = c2.stateIndex();
        List<Long> after = c2.afterSetState();
        assertTrue(snapshotIndex > 1 && after.size() < 420, "only the messages after the snapshot were delivered");
        assertTrue(after.get(0) > snapshotIndex);
    }
}
