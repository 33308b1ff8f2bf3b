package org.jgroups.abcast.replica;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theFirstInitialMemberBootstrapsTheOthersJoinAndAllDeliverTheSameOrder() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c")) {
            for (String m : List.of("a", "b", "c")) c.start(m);
            LocalReplicas.await("all three voters", 10_000,
                                () -> c.replica("a").status().voters().size() == 3);
            int perMember = 2000;
            long start = System.nanoTime();
            List<CompletableFuture<Delivery>> futures = new ArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (String m : List.of("a", "b", "c")) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < perMember; i++) {
                            CompletableFuture<Delivery> f = c.replica(m).submit(bytes(m + "-" + i));
                            synchronized (futures) {
                                futures.add(f);
                            }
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                senders.add(t);
                t.start();
            }
            for (Thread t : senders) t.join();
            for (CompletableFuture<Delivery> f : futures) f.get(20, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - start) / 1e9;
            LocalReplicas.await("everyone delivered everything", 20_000,
                                () -> c.delivered.values().stream().allMatch(l -> l.size() == 3 * perMember));
            System.out.printf("replica-test: members=3 messages=%d msgs_per_sec=%.0f (fsync on, one JVM)%n",
                              3 * perMember, 3 * perMember / secs);
            assertEquals(c.delivered.get("a"), c.delivered.get("b"));
            assertEquals(c.delivered.get("a"), c.delivered.get("c"));
        }
    }

    @Test
    void aRestartedMemberRedeliversTheWholeHistoryAndCatchesUpWhatItMissed() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c")) {
            for (String m : List.of("a", "b", "c")) c.start(m);
            LocalReplicas.await("all three voters", 10_000, () -> c.replica("a").status().voters().size() == 3);
            String follower = c.leader().equals("c") ? "b" : "c";
            String sender = c.leader();
            for (int i = 0; i < 100; i++) c.replica(sender).submit(bytes("before-" + i)).get(10, TimeUnit.SECONDS);
            c.stop(follower);
            for (int i = 0; i < 100; i++) c.replica(sender).submit(bytes("missed-" + i)).get(10, TimeUnit.SECONDS);
            c.start(follower);
            LocalReplicas.await("the restarted member caught up", 20_000,
                                () -> c.delivered.get(follower).size() == 200);
            assertEquals(c.delivered.get(sender), c.delivered.get(follower));
        }
    }

    @Test
    void whenTheLeaderStopsTheOthersElectANewOneAndNothingCommittedIsLost() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c")) {
            for (String m : List.of("a", "b", "c")) c.start(m);
            LocalReplicas.await("all three voters", 10_000, () -> c.replica("a").status().voters().size() == 3);
            String oldLeader = c.leader();
            String survivor = oldLeader.equals("a") ? "b" : "a";
            List<String> committed = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                c.replica(survivor).submit(bytes("m" + i)).get(10, TimeUnit.SECONDS);
                committed.add("m" + i);
            }
            c.stop(oldLeader);
            for (int i = 50; i < 100; i++) {
                c.replica(survivor).submit(bytes("m" + i)).get(10, TimeUnit.SECONDS);
                committed.add("m" + i);
            }
            assertEquals(committed, c.delivered.get(survivor));
        }
    }

    @Test
    void aMemberThatMissedALotCatchesUpInBulkFromAFollowerWhileTrafficContinues() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c")) {
            c.bulkCatchUpEntries = 1000;
            for (String m : List.of("a", "b", "c")) c.start(m);
            LocalReplicas.await("all three voters", 10_000, () -> c.replica("a").status().voters().size() == 3);
            String leader = c.leader();
            String laggard = leader.equals("c") ? "b" : "c";
            c.stop(laggard);
            int missed = 100_000;
            byte[] payload = new byte[100];
            List<CompletableFuture<Delivery>> acks = new ArrayList<>();
            for (int i = 0; i < missed; i++) acks.add(c.replica(leader).submit(payload));
            for (CompletableFuture<Delivery> f : acks) f.get(60, TimeUnit.SECONDS);
            long target = c.replica(leader).status().commitIndex();
            long start = System.nanoTime();
            c.start(laggard);
            // live traffic continues during the catch-up
            Thread live = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) c.replica(leader).submit(bytes("live-" + i));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            live.start();
            LocalReplicas.await("the laggard caught up", 60_000,
                                () -> c.replica(laggard).status().commitIndex() >= target);
            double secs = (System.nanoTime() - start) / 1e9;
            live.join();
            BulkCatchUp bulk = c.catchUps.get(laggard);
            System.out.printf("replica-catch-up: missed=%d entries_in_bulk=%d mb=%.1f secs=%.2f mb_per_s=%.1f%n", missed,
                              bulk.entriesFetched(), bulk.bytesFetched() / 1e6, secs, bulk.bytesFetched() / 1e6 / secs);
            assertTrue(bulk.entriesFetched() > missed / 2, "most of the history came through the bulk path");
            String follower = List.of("a", "b", "c").stream().filter(m -> !m.equals(leader) && !m.equals(laggard))
                                  .findFirst().orElseThrow();
            int byFollower = c.chunksServed.getOrDefault(follower, new AtomicInteger()).get();
            int byLeader = c.chunksServed.getOrDefault(leader, new AtomicInteger()).get();
            assertTrue(byFollower > byLeader, "the follower, not the busy leader, served the catch-up: follower "
                                               + byFollower + " chunks, leader " + byLeader);
            LocalReplicas.await("everyone delivered everything", 30_000,
                                () -> c.delivered.get(laggard).size() == missed + 2000
                                      && c.delivered.get(leader).size() == missed + 2000);
            assertEquals(c.delivered.get(leader), c.delivered.get(laggard));
        }
    }

    @Test
    void aMemberThatLeavesIsRemovedFromTheConfigurationBeforeItCloses() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c", "d")) {
            for (String m : List.of("a", "b", "c", "d")) c.start(m);
            LocalReplicas.await("all four voters", 10_000, () -> c.replica("a").status().voters().size() == 4);
            String leaver = c.leader().equals("d") ? "c" : "d";
            assertTrue(c.replica(leaver).leaveAndClose(10_000), "the removal was confirmed");
            c.replicas.remove(leaver);
            String stayer = leaver.equals("d") ? "a" : "d";
            LocalReplicas.await("the others see the removal", 5_000,
                                () -> !c.replica(stayer).status().voters().contains(leaver));
            c.replica(stayer).submit(bytes("after-leave")).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMemberCutOffFromTheMajorityTimesOutInsteadOfAcceptingMessages() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a", "b", "c")) {
            for (String m : List.of("a", "b", "c")) c.start(m);
            LocalReplicas.await("all three voters", 10_000, () -> c.replica("a").status().voters().size() == 3);
            String loner = c.leader().equals("a") ? "b" : "a";
            c.isolated.add(loner);
            LocalReplicas.await("the loner gives up on the leader", 10_000, () -> c.replica(loner).status().leader() == null);
            SubmitTimeoutException e = assertThrows(SubmitTimeoutException.class, () -> {
                for (int i = 0; i < 5000; i++) c.replica(loner).submit(bytes("lost-" + i));
            });
            assertTrue(e.getMessage().contains("majority"), e.getMessage());
        }
    }

    private static byte[] appendFrom(String from, String to, long term) {
        return org.jgroups.abcast.core.WireFormat.encode(
            new org.jgroups.abcast.core.PeerMessage.AppendRequest(from, to, term, 0, 0, List.of(), 0));
    }

    @Test
    void messagesFromAnotherClusterWithTheSameNameAreRefused() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir, "a")) {
            Replica a = c.start("a");
            LocalReplicas.await("a bootstrapped", 10_000, () -> a.clusterUuid() != null && a.status().leader() != null);
            a.submit(bytes("hello")).get(10, TimeUnit.SECONDS);
            long term = a.status().term();
            a.receive("some-other-cluster", appendFrom("intruder", "a", term + 50));
            LocalReplicas.await("the message was refused", 10_000, () -> a.foreignClusterMessages() == 1);
            assertEquals(term, a.status().term(), "a foreign leader's higher term changes nothing");
            assertEquals(org.jgroups.abcast.core.Role.LEADER, a.status().role());
            a.receive(a.clusterUuid(), appendFrom("intruder", "a", term + 50));
            LocalReplicas.await("the same message from our own cluster is taken", 10_000,
                                () -> a.status().term() == term + 50);
        }
    }

    @Test
    void aMemberOfNoClusterJoinsTheFirstOneWhoseLeaderReplicatesToItAndRemembersIt() throws Exception {
        try (LocalReplicas c = new LocalReplicas(dir)) {
            Replica n = c.start("n");
            assertEquals(null, n.clusterUuid());
            n.receive("cluster-1", appendFrom("leader-1", "n", 1));
            LocalReplicas.await("n joined cluster-1", 10_000, () -> "cluster-1".equals(n.clusterUuid()));
            n.receive("cluster-2", appendFrom("leader-2", "n", 2));
            LocalReplicas.await("cluster-2 was refused", 10_000, () -> n.foreignClusterMessages() == 1);
            c.stop("n");
            assertEquals("cluster-1", c.start("n").clusterUuid(), "the cluster id is stored in the metadata");
        }
    }
}
