package org.jgroups.abcast.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A few engines wired together with instant, in-order delivery and instantly durable memory logs. Deterministic and
 * small: for unit tests that read like specifications. Whole-cluster fault testing is the simulation's job.
 */
final class MiniCluster {
    final Map<String, Engine> engines = new TreeMap<>();
    final Map<String, MemoryLog> logs = new TreeMap<>();
    final Map<String, List<String>> delivered = new TreeMap<>();
    final ArrayDeque<PeerMessage> network = new ArrayDeque<>();
    Predicate<PeerMessage> drop = m -> false;
    boolean autoPersist = true;

    boolean autoMembership;

    MiniCluster(String... members) {
        Map<String, String> voters = new TreeMap<>();
        for (String m : members) voters.put(m, "disk-" + m);
        for (String m : members) add(m, "disk-" + m, MemoryLog.bootstrapped(Configuration.ofVoters(voters)));
    }

    void add(String member, String storage, MemoryLog log) {
        EngineOptions o = EngineOptions.defaults(member, storage, 1).withTiming(10, 2, 20)
            .withRandomSeed(member.hashCode()).withAutoMembership(autoMembership, 0).withFaultRemoval(autoMembership ? 50 : 0, 3);
        logs.put(member, log);
        engines.put(member, new Engine(o, log, log.hardState, SnapshotMeta.NONE));
        delivered.put(member, new ArrayList<>());
    }

    static MiniCluster withAutoMembership(String... members) {
        MiniCluster c = new MiniCluster();
        c.autoMembership = true;
        Map<String, String> voters = new TreeMap<>();
        for (String m : members) voters.put(m, "disk-" + m);
        for (String m : members) c.add(m, "disk-" + m, MemoryLog.bootstrapped(Configuration.ofVoters(voters)));
        return c;
    }

    Engine engine(String m) {
        return engines.get(m);
    }

    /** Processes every member's Ready and delivers messages until nothing moves. */
    void settle() {
        for (int round = 0; round < 10_000; round++) {
            boolean moved = false;
            for (String m : engines.keySet()) moved |= process(m);
            while (!network.isEmpty()) {
                PeerMessage msg = network.poll();
                moved = true;
                if (!drop.test(msg) && engines.containsKey(msg.to())) {
                    engines.get(msg.to()).step(msg);
                    process(msg.to());
                }
            }
            if (!moved) return;
        }
        throw new AssertionError("cluster did not settle");
    }

    boolean process(String m) {
        Engine e = engines.get(m);
        MemoryLog log = logs.get(m);
        boolean moved = false;
        Ready r;
        do {
            r = e.ready();
            if (r.hardState() != null) log.hardState = r.hardState();
            for (LogWrite w : r.writes()) log.apply(w);
            network.addAll(r.messages());
            for (Entry c : r.committed())
                if (c.type() == EntryType.DATA) delivered.get(m).add(new String(c.payload(), StandardCharsets.UTF_8));
            moved |= !r.messages().isEmpty() || !r.writes().isEmpty() || !r.committed().isEmpty();
            if (autoPersist && !r.writes().isEmpty()) {
                Entry last = r.writes().get(r.writes().size() - 1).last();
                e.persisted(last.index(), last.term());
            }
        } while (r.moreCommitted() || (autoPersist && !r.writes().isEmpty()));
        return moved;
    }

    /** Ticks every member until one is leader, then settles. */
    String electLeader() {
        for (int t = 0; t < 1000; t++) {
            for (String m : engines.keySet()) engines.get(m).tick();
            settle();
            String leader = leader();
            if (leader != null) return leader;
        }
        throw new AssertionError("no leader elected");
    }

    String leader() {
        String leader = null;
        for (Map.Entry<String, Engine> e : engines.entrySet())
            if (e.getValue().role() == Role.LEADER) {
                if (leader != null) throw new AssertionError("two leaders: " + leader + " and " + e.getKey());
                leader = e.getKey();
            }
        return leader;
    }

    void submit(String member, String text) {
        engines.get(member).submit(text.getBytes(StandardCharsets.UTF_8));
    }
}
