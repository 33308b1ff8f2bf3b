package org.jgroups.protocols.abcast;

import org.jgroups.JChannel;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Automatic membership on real channels: join under load, leave, faulty removal and return, disk loss. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MembershipTest extends ChannelTestBase {

    /** Per member: the configurations its listener was told of, in order. */
    private final java.util.Map<String, List<ConfigurationListener.ClusterConfiguration>> configs =
        new java.util.concurrent.ConcurrentHashMap<>();

    private JChannel start(String name, TestChannels.Recorder rec, long faultTimeoutMs) throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), "A,B,C");
        List<ConfigurationListener.ClusterConfiguration> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        configs.put(name, seen);
        ABCAST.find(ch).addConfigurationListener(seen::add);
        ABCAST.find(ch).fsync(false);
        ABCAST a = ABCAST.find(ch);
        a.fault_timeout = faultTimeoutMs;
        ch.setReceiver(rec);
        ch.connect(cluster);
        channels.add(ch);
        return ch;
    }

    private static Set<String> voters(JChannel ch) {
        return new TreeSet<>(List.of(ABCAST.find(ch).voters().replaceAll("[\\[\\] ]", "").split(",")));
    }

    /** Keeps sending from A (at most 20,000 messages) until stopped: membership changes happen under load. */
    private Thread load(JChannel ch, AtomicBoolean stop, AtomicInteger sent) {
        Thread t = new Thread(() -> {
            while (!stop.get() && sent.get() < 20_000) {
                try {
                    ch.send(null, ("load-" + sent.get()).getBytes());
                    sent.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    @Test
    void aFourthAndFifthMemberJoinUnderLoadAndEveryoneDeliversTheSameOrder() throws Exception {
        TestChannels.Recorder a = new TestChannels.Recorder(), d = new TestChannels.Recorder(),
            e = new TestChannels.Recorder();
        JChannel chA = start("A", a, 0);
        start("B", new TestChannels.Recorder(), 0);
        start("C", new TestChannels.Recorder(), 0);
        TestChannels.waitFor("three voters", 20_000, () -> voters(chA).size() == 3);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread loader = load(chA, stop, sent);
        JChannel chD = start("D", d, 0);
        JChannel chE = start("E", e, 0);
        TestChannels.waitFor("five voters", 30_000, () -> voters(chA).equals(Set.of("A", "B", "C", "D", "E")));
        stop.set(true);
        loader.join();
        int total = sent.get();
        // every message sent is delivered everywhere (sizes only grow up to total, so the lists are then final)
        TestChannels.waitFor("everything delivered everywhere", 60_000,
                             () -> a.size() == total && d.size() == total && e.size() == total);
        assertEquals(a.texts(), d.texts(), "the joiner received the whole history in the same order");
        assertEquals(a.texts(), e.texts());
        // Every member is told of the same configurations in log order, the joiners included (from their replay).
        TestChannels.waitFor("everyone saw the five-voter configuration", 20_000, () -> configs.values().stream()
            .allMatch(l -> !l.isEmpty() && l.get(l.size() - 1).voters().size() == 5));
        List<ConfigurationListener.ClusterConfiguration> atA = configs.get("A");
        for (String m : List.of("B", "C", "D", "E")) assertEquals(atA, configs.get(m), "configurations seen by " + m);
        for (int i = 1; i < atA.size(); i++) assertTrue(atA.get(i - 1).index() < atA.get(i).index());
        assertEquals(Set.of("A"), atA.get(0).voters(), "the bootstrap configuration comes first");
        assertEquals("index " + atA.get(atA.size() - 1).index() + ": voters=[A, B, C, D, E] learners=[]",
                     ABCAST.find(chA).configuration());
    }

    @Test
    void aMemberThatDisconnectsIsRemovedBeforeItGoes() throws Exception {
        JChannel chA = start("A", new TestChannels.Recorder(), 0);
        start("B", new TestChannels.Recorder(), 0);
        start("C", new TestChannels.Recorder(), 0);
        JChannel chD = start("D", new TestChannels.Recorder(), 0);
        TestChannels.waitFor("four voters", 30_000, () -> voters(chA).size() == 4);
        long t0 = System.nanoTime();
        chD.disconnect();
        System.out.printf("leave: D disconnected in %d ms (leader %s)%n", (System.nanoTime() - t0) / 1_000_000,
                          ABCAST.find(chA).leader());
        // D returns once the removal is committed (A learns it within a heartbeat), or after leave_timeout (5 s) when
        // it was not confirmed in time; the leader still completes a removal it started. A slow confirmation was seen
        // once in ~6 runs on 2 busy cores: see the issue note.
        TestChannels.waitFor("A sees D removed", 20_000, () -> voters(chA).equals(Set.of("A", "B", "C")));
        chA.send(null, "after D left".getBytes());
    }

    @Test
    void aMemberGoneLongerThanTheFaultTimeoutIsRemovedAndReAddedWhenItReturns() throws Exception {
        long faultTimeout = 1_500;
        JChannel chA = start("A", new TestChannels.Recorder(), faultTimeout);
        start("B", new TestChannels.Recorder(), faultTimeout);
        start("C", new TestChannels.Recorder(), faultTimeout);
        start("D", new TestChannels.Recorder(), faultTimeout);
        TestChannels.waitFor("four voters", 30_000, () -> voters(chA).size() == 4);
        JChannel chD = channels.stream().filter(c -> "D".equals(c.getName())).findFirst().orElseThrow();
        channels.remove(chD);
        Util.shutdown(chD); // a crash: no leave
        TestChannels.waitFor("D removed as faulty", 30_000, () -> voters(chA).equals(Set.of("A", "B", "C")));
        for (int i = 0; i < 100; i++) chA.send(null, ("while D is away " + i).getBytes());
        TestChannels.Recorder d2 = new TestChannels.Recorder();
        JChannel chD2 = start("D", d2, faultTimeout);
        TestChannels.waitFor("D back as a voter", 30_000, () -> voters(chA).size() == 4);
        TestChannels.waitFor("D caught up", 30_000,
                             () -> ABCAST.find(chD2).commitIndex() >= ABCAST.find(chA).commitIndex());
        assertTrue(d2.texts().contains("while D is away 99"));
    }

    @Test
    void aMemberRestartedWithAnEmptyDataDirectoryRejoinsAsLearnerAndRecoversTheWholeHistory() throws Exception {
        TestChannels.Recorder a = new TestChannels.Recorder();
        JChannel chA = start("A", a, 0);
        start("B", new TestChannels.Recorder(), 0);
        JChannel chC = start("C", new TestChannels.Recorder(), 0);
        TestChannels.waitFor("three voters", 20_000, () -> voters(chA).size() == 3);
        for (int i = 0; i < 200; i++) chA.send(null, ("m" + i).getBytes());
        TestChannels.waitFor("A delivered its messages", 20_000, () -> a.size() == 200);
        channels.remove(chC);
        Util.shutdown(chC);
        TestChannels.deleteTree(root.resolve("C")); // the disk is lost
        TestChannels.Recorder c2 = new TestChannels.Recorder();
        JChannel chC2 = start("C", c2, 0);
        TestChannels.waitFor("C recovered the whole history", 30_000, () -> c2.size() == 200);
        assertEquals(a.texts(), c2.texts());
        TestChannels.waitFor("C votes again, with its new disk", 30_000, () -> voters(chA).contains("C")
            && ABCAST.find(chA).learners().replaceAll("[\\[\\] ]", "").isEmpty());
        chA.send(null, "after C returned".getBytes());
        TestChannels.waitFor("C delivers new messages", 20_000, () -> c2.size() == 201);
    }
}
