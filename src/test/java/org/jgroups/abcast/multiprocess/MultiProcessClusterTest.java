package org.jgroups.abcast.multiprocess;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Members in separate JVMs ({@link MemberMain}) on the reference TCP stack over loopback: total order with everybody
 * sending, SIGKILL of the leader and of a follower in the middle of a stream, restarts with the same data directory,
 * and the whole cluster killed and restarted. After each scenario {@link ProcessCluster#assertConsistent()} checks
 * every process life: one sequence (each life delivered a prefix of it), no duplicates, every acknowledged message in
 * it at its index. Every child is killed after each test; every wait is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MultiProcessClusterTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure keeps each life's stderr for a look
    Path tmp;

    private ProcessCluster cluster;

    @AfterEach
    void killEverything() {
        if (cluster != null) cluster.close();
    }

    private void everybodySends(String prefix, int count, long pauseMs) {
        for (String n : cluster.names) cluster.send(n, prefix + n, count, pauseMs);
    }

    /**
     * Starts a cluster of these members, has everybody stream COUNT messages with a pause between them, and returns
     * the leader once it delivered at least {@code underWay} of them: the moment to kill something mid-stream.
     */
    private String startAndStream(String prefix, int count, long pauseMs, int underWay, String... names)
        throws Exception {
        cluster = new ProcessCluster(tmp, names);
        cluster.startAll();
        String leader = cluster.awaitLeader(cluster.alive(), names.length);
        everybodySends(prefix, count, pauseMs);
        ChildJvm.waitFor("the stream to be under way", 30_000, () -> cluster.delivered(leader) >= underWay,
                         List.of());
        return leader;
    }

    @Test
    void concurrentSendersGetOneOrderEverywhere() throws Exception {
        cluster = new ProcessCluster(tmp, "A", "B", "C");
        cluster.startAll();
        everybodySends("m", 300, 0);
        cluster.awaitQuiet(60_000);
        List<ProcessCluster.Delivery> seq = cluster.assertConsistent();
        assertTrue(seq.size() >= 900, "all 900 messages delivered: " + seq.size());
        assertFifoPerSender(seq);
    }

    @Test
    void leaderKilledMidStreamThenFollowerKilledAndRestarted() throws Exception {
        String leader = startAndStream("x", 150, 10, 60, "A", "B", "C");
        cluster.kill(leader);
        String newLeader = cluster.awaitNewLeader(leader);
        cluster.awaitQuiet(45_000); // the survivors finish their streams under the new leader
        cluster.restart(leader);    // the old leader comes back as a follower: replays its log, catches up
        cluster.awaitQuiet(45_000);
        cluster.assertConsistent();

        String follower = cluster.names.stream().filter(n -> !n.equals(newLeader)).findFirst().orElseThrow();
        int before = cluster.delivered(follower);
        everybodySends("y", 150, 10);
        ChildJvm.waitFor("the second stream to be under way", 30_000,
                         () -> cluster.delivered(follower) >= before + 60, List.of());
        cluster.killAndRestart(follower); // mid-stream; it replays and catches up while the others go on
        cluster.awaitQuiet(45_000);
        cluster.assertConsistent();
    }

    @Test
    void wholeClusterKilledMidStreamLosesNothingAcknowledged() throws Exception {
        startAndStream("w", 300, 5, 150, "A", "B", "C");
        for (String n : cluster.names) cluster.kill(n);
        int acked = cluster.allAcks().size();
        assertTrue(acked < 900, "killed in the middle of the stream: " + acked + " of 900 acknowledged");

        cluster.startAll(); // same data directories
        everybodySends("z", 20, 0);
        cluster.awaitQuiet(45_000);
        List<ProcessCluster.Delivery> seq = cluster.assertConsistent();
        assertTrue(acked > 0, "messages were acknowledged before the kill");
        assertTrue(seq.size() >= acked + 60, "the history and the new messages are delivered: " + seq.size());
    }

    @Test
    void fiveMembersSurviveTheLeaderAndAFollowerKilled() throws Exception {
        String leader = startAndStream("f", 100, 10, 100, "A", "B", "C", "D", "E");
        String follower = cluster.names.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.kill(leader);
        cluster.kill(follower);
        cluster.awaitNewLeader(leader); // three of five voters are a majority
        cluster.awaitQuiet(60_000);
        cluster.restart(leader);
        cluster.restart(follower);
        cluster.awaitQuiet(60_000);
        cluster.assertConsistent();
    }

    /** Each sender's messages are delivered in the order it sent them. */
    private static void assertFifoPerSender(List<ProcessCluster.Delivery> seq) {
        Map<String, Integer> last = new java.util.HashMap<>();
        for (ProcessCluster.Delivery d : seq) {
            int n = Integer.parseInt(d.payload().substring(d.payload().lastIndexOf('-') + 1));
            Integer prev = last.put(d.origin(), n);
            assertTrue(prev == null || n == prev + 1, d.origin() + ": " + prev + " then " + n);
        }
    }
}
