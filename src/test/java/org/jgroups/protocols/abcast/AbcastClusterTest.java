package org.jgroups.protocols.abcast;

import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.abcast.core.Role;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.SHUFFLE;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ABCAST with the real replica over real channels (reference local stack, one JVM): total order under message loss
 * and reordering, leader crash, follower and whole-cluster restarts, a minority partition. Every member's data
 * directory is fresh per test; every channel is closed afterwards. No timing assertions: waits are bounded only so a
 * broken build fails instead of hanging.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AbcastClusterTest extends ChannelTestBase {
    private final Map<String, TestChannels.Recorder> recorders = new ConcurrentHashMap<>();

    @Override
    protected void beforeClose() {
        setLoss(channels, 0); // SHUFFLE would slow the leaves down
    }

    static String initial(String... names) {
        return String.join(",", names);
    }

    /** Starts (or restarts: same name, same data directory) a member with a fresh recorder. */
    private JChannel start(String name, String initialMembers, boolean lossy) throws Exception {
        return start(name, initialMembers, lossy, ch -> { });
    }

    /** Like {@link #start(String, String, boolean)}, with {@code configure} applied to the channel before it connects. */
    private JChannel start(String name, String initialMembers, boolean lossy, Consumer<JChannel> configure)
      throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), initialMembers);
        configure.accept(ch);
        if (lossy) {
            ProtocolStack s = ch.getProtocolStack();
            // both off until the cluster formed (setLoss): SHUFFLE delivers up on one timer thread, and a coordinator
            // that blocks it waiting for view acks (which queue behind it) would stall joins and leaves
            SHUFFLE shuffle = new SHUFFLE().setUp(false).setDown(false).setMaxSize(50).setMaxTime(10);
            s.insertProtocol(shuffle, ProtocolStack.Position.BELOW, NAKACK2.class);
            shuffle.init(); // after insertion (it needs the transport's timer): the stack was initialized already
            s.insertProtocol(new DISCARD(), ProtocolStack.Position.BELOW, SHUFFLE.class);
        }
        TestChannels.Recorder rec = new TestChannels.Recorder();
        recorders.put(name, rec);
        ch.setReceiver(rec);
        channels.add(ch);
        ch.connect(cluster);
        return ch;
    }

    private List<JChannel> startAll(boolean lossy, String... names) throws Exception {
        List<JChannel> list = new ArrayList<>();
        for (String n : names) list.add(start(n, initial(names), lossy));
        awaitVoters(list, names.length);
        return list;
    }

    /** Waits until every member sees all of them as voters and agrees on one leader. */
    private static void awaitVoters(List<JChannel> list, int n) throws InterruptedException {
        TestChannels.waitFor(n + " voters and one leader", 30_000, () -> {
            Set<String> leaders = new HashSet<>();
            for (JChannel ch : list) {
                ReplicaStatus s = ABCAST.find(ch).status();
                if (s == null || s.voters().size() != n || s.leader() == null) return false;
                leaders.add(s.leader());
            }
            return leaders.size() == 1;
        });
    }

    private static String leaderOf(JChannel ch) {
        return ABCAST.find(ch).leader();
    }

    /** Turns message loss (at this rate, both directions) and reordering on or off on lossy members. */
    private static void setLoss(List<JChannel> list, double rate) {
        for (JChannel ch : list) {
            DISCARD d = ch.getProtocolStack().findProtocol(DISCARD.class);
            SHUFFLE s = ch.getProtocolStack().findProtocol(SHUFFLE.class);
            if (d != null) d.setUpDiscardRate(rate).setDownDiscardRate(rate);
            if (s != null) s.setUp(rate > 0);
        }
    }

    private static Message msg(String text) {
        return new BytesMessage(null, text.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> texts(String member) {
        return recorders.get(member).texts();
    }

    private void awaitCount(String member, int n, long timeoutMs) throws InterruptedException {
        TestChannels.waitFor(member + " delivers " + n, timeoutMs, () -> recorders.get(member).size() >= n);
    }

    /** Every recorder holds exactly the same sequence, each message once, with strictly increasing indices. */
    private void assertIdenticalSequences(Set<String> expectedMessages, String... members) {
        List<String> reference = texts(members[0]);
        for (String m : members) {
            List<TestChannels.Received> got = recorders.get(m).snapshot();
            assertEquals(reference, got.stream().map(TestChannels.Received::text).toList(),
                         m + " delivered another sequence than " + members[0]);
            long prev = 0;
            for (TestChannels.Received r : got) {
                assertTrue(r.index() > prev, m + ": indices must increase: " + prev + " then " + r.index());
                prev = r.index();
            }
        }
        assertEquals(reference.size(), new HashSet<>(reference).size(), "a message was delivered twice");
        if (expectedMessages != null) assertEquals(expectedMessages, new HashSet<>(reference));
    }

    /** Each sender's messages (text "sender:seq") appear in the order they were sent. */
    private static void assertFifoPerSender(List<String> seq) {
        Map<String, Integer> last = new HashMap<>();
        for (String t : seq) {
            int colon = t.lastIndexOf(':');
            String sender = t.substring(0, colon);
            int n = Integer.parseInt(t.substring(colon + 1));
            Integer prev = last.put(sender, n);
            assertTrue(prev == null || prev < n, sender + " out of order: " + prev + " then " + n);
        }
    }

    private static void report(String scenario, int members, int messages, long nanos) {
        double perSec = messages / (nanos / 1e9);
        System.out.printf("abcast-test: members=%d messages=%d msgs_per_sec=%.0f scenario=%s%n", members, messages, perSec,
                          scenario);
    }

    // ------------------------------------------------------------------ total order

    @Test
    void totalOrderThreeMembersManyConcurrentSendersWithLossAndReordering() throws Exception {
        totalOrder(3, 2, 300);
    }

    @Test
    void totalOrderFiveMembersManyConcurrentSendersWithLossAndReordering() throws Exception {
        totalOrder(5, 2, 120);
    }

    private void totalOrder(int n, int threadsPerMember, int perThread) throws Exception {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = String.valueOf((char) ('A' + i));
        List<JChannel> list = startAll(true, names);
        setLoss(list, 0.05);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        List<Thread> senders = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            JChannel ch = list.get(i);
            for (int t = 0; t < threadsPerMember; t++) {
                String sender = names[i] + t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                        for (int k = 1; k <= perThread; k++) {
                            String text = sender + ":" + k;
                            expected.add(text);
                            ch.send(msg(text));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "sender-" + sender);
                senders.add(th);
                th.start();
            }
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread th : senders) th.join();
        assertEquals(List.of(), errors);
        int total = n * threadsPerMember * perThread;
        for (String m : names) awaitCount(m, total, 60_000);
        report("order-lossy", n, total, System.nanoTime() - start);
        assertIdenticalSequences(expected, names);
        assertFifoPerSender(texts(names[0]));

        // operators see one leader and n voters through the managed attributes
        TestChannels.waitFor("exactly one leader", 30_000, () -> list.stream()
            .filter(ch -> ABCAST.find(ch).role().equals(Role.LEADER.name())).count() == 1);
        for (JChannel ch : list) {
            ABCAST a = ABCAST.find(ch);
            assertEquals(n, a.status().voters().size(), a.voters());
            assertTrue(a.commitIndex() >= total);
            assertEquals(total, a.numDeliveredUp());
        }
    }

    // ------------------------------------------------------------------ leader crash

    @Test
    void leaderCrashMidStreamLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception {
        String[] names = {"A", "B", "C"};
        List<JChannel> list = startAll(false, names);
        String leader = leaderOf(list.get(0));
        JChannel leaderCh = list.get(List.of(names).indexOf(leader));
        List<String> survivors = new ArrayList<>(List.of(names));
        survivors.remove(leader);

        // every member streams asynchronously; the survivors' senders keep going through the crash
        Map<String, CompletableFuture<Long>> acked = new ConcurrentHashMap<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            JChannel ch = list.get(i);
            String name = names[i];
            Thread th = new Thread(() -> {
                ABCAST a = ABCAST.find(ch);
                for (int k = 1; k <= 300; k++) {
                    String text = name + ":" + k;
                    try {
                        acked.put(text, a.sendOrdered(msg(text)));
                        if (k % 10 == 0) Thread.sleep(2);
                    } catch (RuntimeException e) { // the crashed leader's own sends fail: expected
                        if (!name.equals(leader)) errors.add(e);
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sender-" + name);
            senders.add(th);
            th.start();
        }
        awaitCount(survivors.get(0), 200, 30_000);
        long t0 = System.nanoTime();
        Util.shutdown(leaderCh); // no leave message, its replica just stops: a crash for the others
        List<String> leaderSaw = texts(leader);
        for (Thread th : senders) th.join(60_000);
        assertEquals(List.of(), errors, "survivors could not send");

        // every survivor submission is eventually delivered (futures complete), exactly once, same order
        for (Map.Entry<String, CompletableFuture<Long>> e : acked.entrySet())
            if (!e.getKey().startsWith(leader + ":")) e.getValue().get(60, TimeUnit.SECONDS);
        Set<String> survivorSent = acked.keySet().stream().filter(k -> !k.startsWith(leader + ":"))
            .collect(Collectors.toSet());
        TestChannels.waitFor("survivors converge", 30_000, () -> {
            List<String> a = texts(survivors.get(0)), b = texts(survivors.get(1));
            return a.equals(b) && new HashSet<>(a).containsAll(survivorSent);
        });
        int total = texts(survivors.get(0)).size();
        report("leader-crash", 3, total, System.nanoTime() - t0);
        assertIdenticalSequences(null, survivors.toArray(String[]::new));
        List<String> finalSeq = texts(survivors.get(0));
        // uniform agreement: what the crashed leader delivered is a prefix of what the survivors delivered
        assertEquals(leaderSaw, finalSeq.subList(0, leaderSaw.size()), "the crashed leader delivered something else");
        // the leader's acknowledged messages survive its crash
        for (Map.Entry<String, CompletableFuture<Long>> e : acked.entrySet())
            if (e.getKey().startsWith(leader + ":") && e.getValue().isDone() && !e.getValue().isCompletedExceptionally())
                assertTrue(finalSeq.contains(e.getKey()), "acknowledged " + e.getKey() + " was lost");
        assertFifoPerSender(finalSeq);
        assertTrue(finalSeq.containsAll(survivorSent));
        String newLeader = leaderOf(list.get(List.of(names).indexOf(survivors.get(0))));
        assertTrue(survivors.contains(newLeader), "new leader " + newLeader);
    }

    // ------------------------------------------------------------------ restarts

    /** The three members A, B, C after the leader sent 100 messages that all delivered and one follower stopped. */
    private record FollowerStopped(String[] names, String leader, JChannel leaderCh, String follower) {
    }

    private FollowerStopped stopAFollowerAfter100Messages() throws Exception {
        String[] names = {"A", "B", "C"};
        List<JChannel> list = startAll(false, names);
        String leader = leaderOf(list.get(0));
        String follower = List.of(names).stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        JChannel leaderCh = list.get(List.of(names).indexOf(leader));
        for (int k = 1; k <= 100; k++) leaderCh.send(msg(leader + ":" + k));
        for (String m : names) awaitCount(m, 100, 30_000);
        JChannel f = list.get(List.of(names).indexOf(follower));
        f.close();
        channels.remove(f);
        return new FollowerStopped(names, leader, leaderCh, follower);
    }

    @Test
    void aLogWrittenWithDirectIoIsReplayedAndContinuedThroughThePageCache() throws Exception {
        FollowerStopped c = stopAFollowerAfter100Messages();
        String[] names = c.names();
        String leader = c.leader(), follower = c.follower();
        JChannel f2 = start(follower, initial(names), false, ch -> ABCAST.find(ch).logDirectIo(false));
        awaitCount(follower, 100, 30_000);
        for (int k = 101; k <= 150; k++) f2.send(msg(follower + ":" + k));
        for (String m : names) awaitCount(m, 150, 30_000);
        assertEquals(texts(leader), texts(follower), "the replay and the new messages, in the leader's order");
        // only a log written with direct I/O prepares its next segment in advance
        assumeTrue(Files.exists(root.resolve(leader).resolve("log").resolve("next-segment.tmp")),
                   "the file system refuses direct I/O");
        assertFalse(Files.exists(root.resolve(follower).resolve("log").resolve("next-segment.tmp")));
    }

    @Test
    void restartedFollowerRedeliversTheWholeHistoryInTheSameOrder() throws Exception {
        FollowerStopped c = stopAFollowerAfter100Messages();
        String[] names = c.names();
        String leader = c.leader(), follower = c.follower();
        JChannel leaderCh = c.leaderCh();
        List<String> beforeRestart = texts(follower);
        for (int k = 101; k <= 200; k++) leaderCh.send(msg(leader + ":" + k));
        awaitCount(leader, 200, 30_000);

        long t0 = System.nanoTime();
        JChannel f2 = start(follower, initial(names), false); // same name, same data directory
        awaitCount(follower, 200, 30_000);
        report("follower-restart-replay", 3, 200, System.nanoTime() - t0);
        List<String> replayed = texts(follower);
        assertEquals(beforeRestart, replayed.subList(0, beforeRestart.size()), "history replayed differently");
        for (int k = 201; k <= 250; k++) f2.send(msg(follower + ":" + k));
        String[] all = names;
        for (String m : all) awaitCount(m, 250, 30_000);
        // the leader's recorder saw one life; the follower's new recorder saw the replay plus the new messages
        assertEquals(texts(leader), texts(follower));
        assertEquals(250, new HashSet<>(texts(follower)).size());
    }

    @Test
    void wholeClusterRestartLosesNothingAcknowledged() throws Exception {
        String[] names = {"A", "B", "C"};
        List<JChannel> list = startAll(false, names);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int k = 1; k <= 150; k++)
            for (int i = 0; i < names.length; i++) {
                String text = names[i] + ":" + k;
                futures.add(ABCAST.find(list.get(i)).sendOrdered(msg(text)));
                sent.add(text);
            }
        Map<String, Long> ackedIndex = new LinkedHashMap<>();
        for (int i = 0; i < futures.size(); i++) ackedIndex.put(sent.get(i), futures.get(i).get(30, TimeUnit.SECONDS));
        List<String> before = texts(names[0]);

        for (JChannel ch : list) Util.shutdown(ch); // stop everybody without leaving
        channels.clear();

        long t0 = System.nanoTime();
        List<JChannel> again = new ArrayList<>();
        for (String n : names) again.add(start(n, initial(names), false));
        for (String n : names) awaitCount(n, ackedIndex.size(), 30_000);
        report("cluster-restart-replay", 3, ackedIndex.size(), System.nanoTime() - t0);
        for (String n : names) {
            List<TestChannels.Received> got = recorders.get(n).snapshot();
            Map<String, Long> indexOf = new HashMap<>();
            for (TestChannels.Received r : got) indexOf.put(r.text(), r.index());
            for (Map.Entry<String, Long> e : ackedIndex.entrySet())
                assertEquals(e.getValue(), indexOf.get(e.getKey()), n + " lost or moved acknowledged " + e.getKey());
        }
        assertEquals(before, texts(names[0]).subList(0, before.size()));
        assertIdenticalSequences(Set.copyOf(sent), names);
        // and the restarted cluster still orders new messages
        again.get(2).send(msg("after-restart:1"));
        for (String n : names) awaitCount(n, sent.size() + 1, 30_000);
        assertIdenticalSequences(null, names);
    }

    // ------------------------------------------------------------------ partition

    @Test
    void minorityPartitionDeliversNothingNewAndTimesOutThenConverges() throws Exception {
        String[] names = {"A", "B", "C"};
        List<JChannel> list = startAll(true, names);
        setLoss(list, 0.02);
        for (JChannel ch : list) ABCAST.find(ch).sendTimeout(1500);
        for (int k = 1; k <= 20; k++) list.get(0).send(msg("A:" + k));
        for (String n : names) awaitCount(n, 20, 30_000);

        // cut the leader off: it is the minority
        // under loss an election can be in progress: wait until a leader is known
        TestChannels.waitFor("a known leader", 10_000, () -> leaderOf(list.get(0)) != null);
        String minority = leaderOf(list.get(0));
        int mi = List.of(names).indexOf(minority);
        JChannel m = list.get(mi);
        List<JChannel> majority = new ArrayList<>(list);
        majority.remove(m);
        String[] majorityNames = majority.stream().map(JChannel::getName).toArray(String[]::new);
        DISCARD dm = m.getProtocolStack().findProtocol(DISCARD.class);
        for (JChannel ch : majority) {
            dm.addIgnoreMember(ch.getAddress());
            ((DISCARD) ch.getProtocolStack().findProtocol(DISCARD.class)).addIgnoreMember(m.getAddress());
        }
        // the old leader steps down (no majority answers) and then knows no leader
        ABCAST ma = ABCAST.find(m);
        TestChannels.waitFor("minority loses its leader", 30_000,
                             () -> ma.status().role() != Role.LEADER && ma.status().leader() == null);
        TestChannels.waitFor("majority elects a new leader", 30_000, () -> {
            String l = leaderOf(majority.get(0));
            return l != null && !l.equals(minority) && l.equals(leaderOf(majority.get(1)));
        });
        int minorityCountAtCut = recorders.get(minority).size();

        // the majority goes on
        for (int k = 1; k <= 30; k++) majority.get(0).send(msg(majorityNames[0] + "-p:" + k));
        for (String n : majorityNames) awaitCount(n, 50, 30_000);

        // the minority's sends fail with the timeout error, and it delivers nothing new
        OrderingUnavailableException e = null;
        try {
            m.send(msg(minority + "-lost:1"));
        } catch (OrderingUnavailableException ex) {
            e = ex;
        }
        assertNotNull(e, "a minority send must time out");
        assertTrue(e.getMessage().contains("send_timeout=1500") && e.getMessage().contains("minority"),
                   e.getMessage());
        List<String> minoritySaw = texts(minority);
        assertTrue(minoritySaw.stream().noneMatch(t -> t.contains("-p:")), "minority delivered " + minoritySaw);
        assertTrue(minoritySaw.size() <= 20 && minoritySaw.size() >= minorityCountAtCut);

        // heal: everything converges, the minority catches up in the same order
        dm.resetIgnoredMembers();
        for (JChannel ch : majority) ((DISCARD) ch.getProtocolStack().findProtocol(DISCARD.class)).resetIgnoredMembers();
        m.send(msg(minority + "-healed:1"));
        for (String n : names) awaitCount(n, 51, 30_000);
        assertIdenticalSequences(null, names);
        assertFalse(texts(majorityNames[0]).contains(minority + "-lost:1"), "the refused message was delivered");
        assertTrue(texts(majorityNames[0]).contains(minority + "-healed:1"));
    }
}
