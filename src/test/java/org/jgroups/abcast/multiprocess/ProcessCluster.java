package org.jgroups.abcast.multiprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Members of one cluster, each in its own JVM ({@link MemberMain}) on the reference TCP stack, with free loopback
 * ports and a data directory per member under the test's temp dir. Every process life is kept (its stdout is the
 * record of what it delivered and which of its messages were acknowledged) and killed in {@link #close()}.
 */
final class ProcessCluster implements AutoCloseable {
    /** One ordered delivery as a member printed it. */
    record Delivery(long index, String origin, String payload) {
    }

    final List<String> names;
    private final Path root;
    private final String cluster = "mp-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final Map<String, Integer> ports = new HashMap<>();
    private final String initialHosts;
    private final Map<String, ChildJvm> current = new LinkedHashMap<>();
    private final List<ChildJvm> lives = new ArrayList<>();
    /** Send commands given to each life: prefix -> count. */
    private final Map<ChildJvm, Map<String, Integer>> sends = new HashMap<>();

    ProcessCluster(Path root, String... names) throws IOException {
        this.root = root;
        this.names = List.of(names);
        int[] p = LoopbackPorts.free(names.length);
        for (int i = 0; i < names.length; i++) ports.put(names[i], p[i]);
        initialHosts = LoopbackPorts.initialHosts(p);
    }

    /**
     * Starts the members one after the other, each once the previous one is up. Joining all at once on two cores
     * makes the coordinator's view installations wait for acknowledgements from JVMs still starting, and joins time
     * out in a cascade (seen with five members).
     */
    void startAll() throws Exception {
        for (String n : names) awaitReady(List.of(start(n)));
        awaitLeader(alive(), names.size());
    }

    /** Starts (or restarts, with the same data directory and port) a member. */
    ChildJvm start(String name) throws IOException {
        ChildJvm old = current.get(name);
        if (old != null && old.isAlive()) throw new IllegalStateException(name + " is running");
        String life = name + "#" + (lives.stream().filter(l -> l.name.startsWith(name + "#")).count() + 1);
        ChildJvm c = ChildJvm.start(life,
                                    List.of("-Djgroups.bind_port=" + ports.get(name),
                                            "-Djgroups.tcpping.initial_hosts=" + initialHosts,
                                            "-Dabcast.data_dir=" + root.resolve(name),
                                            "-Dabcast.initial_members=" + String.join(",", names),
                                            // -Dmultiprocess.log.level=DEBUG: the children log that much to stderr
                                            "-Dmember.log.level=" + System.getProperty("multiprocess.log.level", "WARN")),
                                    MemberMain.class, List.of(name, cluster), root.resolve(life + ".stderr"));
        current.put(name, c);
        lives.add(c);
        return c;
    }

    ChildJvm get(String name) {
        return current.get(name);
    }

    List<ChildJvm> alive() {
        return current.values().stream().filter(ChildJvm::isAlive).toList();
    }

    void kill(String name) throws InterruptedException {
        current.get(name).kill();
    }

    /**
     * Kills a member, waits until the running members' JGroups view no longer has it, and starts it again with the
     * same data directory. Restarting at once is not what this waits for: a killed JGroups coordinator restarted on
     * its old port before the others excluded it ends up in a view of its own and is merged back only by MERGE3,
     * after up to its check interval (about 50 s with the reference stack) — a JGroups membership delay, not an
     * ABCAST one, and too slow for the default suite.
     */
    ChildJvm killAndRestart(String name) throws Exception {
        kill(name);
        return restart(name);
    }

    /** Starts a killed member again once the running members' view no longer has its previous life. */
    ChildJvm restart(String name) throws Exception {
        List<ChildJvm> others = alive();
        ChildJvm.waitFor("the others to drop " + name + " from their view", 30_000,
                         () -> others.stream().allMatch(c -> !lastView(c).contains(name)), lives);
        ChildJvm c = start(name);
        awaitReady(List.of(c));
        return c;
    }

    /** The member names of a life's newest view. */
    static List<String> lastView(ChildJvm c) {
        List<String> views = c.lines().stream().filter(l -> l.startsWith("view ")).toList();
        return views.isEmpty() ? List.of() : List.of(views.get(views.size() - 1).substring(5).split(","));
    }

    void awaitReady(List<ChildJvm> list) throws InterruptedException {
        ChildJvm.waitFor("members up", 30_000, () -> list.stream().allMatch(
            c -> c.lines().stream().anyMatch(l -> l.startsWith("ready "))), lives);
    }

    /** Asks a member for its status; returns the words of its answer (ROLE LEADER TERM COMMIT VOTERS). */
    String[] status(ChildJvm c) throws InterruptedException {
        long before = c.lines().stream().filter(l -> l.startsWith("status ")).count();
        c.send("status");
        ChildJvm.waitFor(c.name + " answers status", 10_000,
                         () -> c.lines().stream().filter(l -> l.startsWith("status ")).count() > before, lives);
        List<String> st = c.lines().stream().filter(l -> l.startsWith("status ")).toList();
        return st.get(st.size() - 1).substring("status ".length()).split(" ", -1);
    }

    /** Waits until all these members name the same leader and see that many voters; returns the leader. */
    String awaitLeader(List<ChildJvm> list, int voters) throws InterruptedException {
        return awaitLeader(list, voters, null);
    }

    /** After the leader was killed: waits until the running members agree on another one. */
    String awaitNewLeader(String old) throws InterruptedException {
        return awaitLeader(alive(), names.size(), old);
    }

    private String awaitLeader(List<ChildJvm> list, int voters, String notThis) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Set<String> leaders = new HashSet<>();
            boolean ok = true;
            for (ChildJvm c : list) {
                String[] s = status(c);
                leaders.add(s[1]);
                ok &= !s[1].equals("null") && !s[1].equals(notThis) && s[4].split(",", -1).length == voters;
            }
            if (ok && leaders.size() == 1) return leaders.iterator().next();
            Thread.sleep(100);
        }
        fail("no common leader with " + voters + " voters" + (notThis == null ? "" : " other than " + notThis)
             + " within 30 s\n" + describe());
        return null;
    }

    /** Tells a member to send PREFIX-1..PREFIX-COUNT, pausing between them. */
    void send(String name, String prefix, int count, long pauseMs) {
        ChildJvm c = current.get(name);
        sends.computeIfAbsent(c, k -> new HashMap<>()).put(prefix, count);
        c.send("send " + prefix + " " + count + " " + pauseMs);
    }

    static List<Delivery> deliveries(ChildJvm c) {
        List<Delivery> out = new ArrayList<>();
        for (String l : c.lines()) {
            if (!l.startsWith("d ")) continue;
            String[] w = l.split(" ", 4);
            if (w.length == 4) out.add(new Delivery(Long.parseLong(w[1]), w[2], w[3]));
        }
        return out;
    }

    /** Acknowledged payloads of one life (delivered at their sender, so durable on a majority) with their index. */
    static Map<String, Long> acks(ChildJvm c) {
        Map<String, Long> out = new HashMap<>();
        for (String l : c.lines()) {
            if (!l.startsWith("ack ")) continue;
            String[] w = l.split(" ");
            if (w.length == 3) out.put(w[1], Long.parseLong(w[2]));
        }
        return out;
    }

    /** Every acknowledgement of every life so far. */
    Map<String, Long> allAcks() {
        Map<String, Long> out = new HashMap<>();
        for (ChildJvm c : lives) out.putAll(acks(c));
        return out;
    }

    int delivered(String name) {
        return deliveries(current.get(name)).size();
    }

    /**
     * Waits until the running members are done: each finished its send commands with every message acknowledged,
     * each delivered every acknowledged message of any life, and all delivered the same number of messages, unchanged
     * for a second.
     */
    void awaitQuiet(long timeoutMs) throws InterruptedException {
        long[] stableSince = {0};
        int[] lastCount = {-1};
        ChildJvm.waitFor("the running members to converge", timeoutMs, () -> {
            List<ChildJvm> alive = alive();
            for (ChildJvm c : alive) {
                Map<String, Long> acked = acks(c);
                for (Map.Entry<String, Integer> s : sends.getOrDefault(c, Map.of()).entrySet())
                    for (int i = 1; i <= s.getValue(); i++)
                        if (!acked.containsKey(s.getKey() + "-" + i)) return false;
            }
            Set<String> ackedPayloads = allAcks().keySet();
            Set<Integer> counts = new HashSet<>();
            for (ChildJvm c : alive) {
                List<Delivery> d = deliveries(c);
                counts.add(d.size());
                Set<String> payloads = new HashSet<>();
                d.forEach(x -> payloads.add(x.payload()));
                if (!payloads.containsAll(ackedPayloads)) return false;
            }
            if (counts.size() != 1) return false;
            int n = counts.iterator().next();
            if (n != lastCount[0]) {
                lastCount[0] = n;
                stableSince[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - stableSince[0] > 1_000_000_000L;
        }, lives);
    }

    /**
     * The safety checks over every life, killed ones included: each life delivered a prefix of one sequence (every
     * start replays the history from the beginning), with strictly increasing indices and no duplicate; the running
     * members delivered all of it; every acknowledged message is in it, at the index its sender was told.
     */
    List<Delivery> assertConsistent() {
        List<Delivery> ref = List.of();
        for (ChildJvm c : lives) {
            List<Delivery> d = deliveries(c);
            if (d.size() > ref.size()) ref = d;
        }
        for (ChildJvm c : lives) {
            List<Delivery> d = deliveries(c);
            assertEquals(ref.subList(0, d.size()), d, c.name + " delivered a sequence that is not a prefix of the "
                                                      + "longest one");
        }
        long prev = 0;
        Set<String> seen = new HashSet<>();
        for (Delivery x : ref) {
            assertTrue(x.index() > prev, "indices increase: " + prev + " then " + x.index());
            assertTrue(seen.add(x.origin() + "/" + x.payload()), "delivered twice: " + x);
            prev = x.index();
        }
        for (ChildJvm c : alive())
            assertEquals(ref.size(), deliveries(c).size(), c.name + " (running) delivered everything");
        Map<Long, String> byIndex = new HashMap<>();
        ref.forEach(x -> byIndex.put(x.index(), x.payload()));
        for (Map.Entry<String, Long> a : allAcks().entrySet())
            assertEquals(a.getKey(), byIndex.get(a.getValue()), "acknowledged message " + a.getKey() + " at #"
                                                                 + a.getValue() + " is delivered there");
        return ref;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (ChildJvm c : lives) sb.append(c.describe()).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        for (ChildJvm c : lives) c.close();
    }
}
