package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Test fixture: a toy cluster that is correct by construction (one log, committed and replicated the moment an
 * entry is appended) recording what a real run would record: submissions, commit reports, deliveries, crashes,
 * restarts from scratch or from a snapshot, disk loss, log compaction, elections and log checkpoints. It produces
 * realistic clean histories, which the checker must accept.
 */
final class ScriptedCluster {
    private static final class Member {
        int life;
        boolean up = true;
        long applied;       // last index this life applied
        long compactedUpTo; // log prefix replaced by a local snapshot
    }

    final History history = new History();
    private final List<LoggedEntry> log = new ArrayList<>(); // log.get(i) has index i + 1
    private final Map<String, Member> members = new LinkedHashMap<>();
    private long term;
    private int submissions;

    ScriptedCluster(String... names) {
        for (String name : names)
            members.put(name, new Member());
    }

    long lastIndex() {
        return log.size();
    }

    /** Submits a new message through {@code member}, commits it and tells the submitter; returns its id. */
    String submit(String member) {
        String id = submitUnconfirmed(member);
        history.reportedCommitted(member, up(member).life, id, lastIndex());
        return id;
    }

    /** Like {@link #submit}, but the submitter is never told (as when it crashes before the reply arrives). */
    String submitUnconfirmed(String member) {
        Member m = up(member);
        String id = member + "-" + m.life + "-m" + ++submissions;
        history.submitted(member, m.life, id);
        append(id);
        return id;
    }

    void noop() {
        append("#noop");
    }

    void deliver(String member) {
        deliverUpTo(member, lastIndex());
    }

    void deliverUpTo(String member, long index) {
        Member m = up(member);
        index = Math.min(index, lastIndex());
        for (long i = m.applied + 1; i <= index; i++)
            if (!GlobalOrder.isLogInternal(entry(i).content()))
                history.delivered(member, m.life, i, entry(i).content());
        m.applied = Math.max(m.applied, index);
    }

    void crash(String member) {
        Member m = up(member);
        history.crashed(member, m.life);
        m.up = false;
    }

    void wipeDisk(String member) {
        if (members.get(member).up)
            throw new IllegalStateException(member + " must be down to lose its disk");
        history.diskWiped(member);
        members.get(member).compactedUpTo = 0;
    }

    /** A new life rebuilds its state from its own local snapshot, if it has one, else from index 1. */
    void restart(String member) {
        Member m = members.get(member);
        startLife(member, m);
        if (m.compactedUpTo > 0)
            installSnapshot(member, m, m.compactedUpTo);
    }

    /** A new life that catches up from a snapshot the leader sends. */
    void restartFromSnapshot(String member, long index) {
        Member m = members.get(member);
        startLife(member, m);
        installSnapshot(member, m, index);
        m.compactedUpTo = index;
    }

    /** Replaces the applied log prefix with a local snapshot; later logs reported start after it. */
    void compact(String member) {
        Member m = up(member);
        m.compactedUpTo = m.applied;
    }

    void elect(String member) {
        history.becameLeader(member, ++term, logOf(up(member)));
    }

    void observeLog(String member) {
        history.logObserved(member, logOf(members.get(member)));
    }

    /** Heal and quiesce: every running member catches up, and those are the correct ones. */
    void finish() {
        Set<String> correct = members.entrySet().stream().filter(e -> e.getValue().up).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        correct.forEach(this::deliver);
        history.finished(correct);
    }

    /** A random but correct run of about {@code steps} actions over members a..e. */
    static ScriptedCluster randomRun(long seed, int steps) {
        Random random = new Random(seed);
        List<String> names = List.of("a", "b", "c", "d", "e");
        ScriptedCluster c = new ScriptedCluster(names.toArray(String[]::new));
        c.elect("a");
        for (int step = 0; step < steps; step++) {
            String name = names.get(random.nextInt(names.size()));
            Member m = c.members.get(name);
            int roll = random.nextInt(100);
            if (!m.up) {
                if (roll < 10)
                    c.wipeDisk(name);
                else if (roll < 40)
                    c.restart(name);
                else if (roll < 60 && c.lastIndex() > 0)
                    c.restartFromSnapshot(name, 1 + random.nextInt((int) c.lastIndex()));
            } else if (roll < 40) {
                if (random.nextInt(10) == 0) c.submitUnconfirmed(name); else c.submit(name);
            } else if (roll < 70) {
                c.deliverUpTo(name, m.applied + random.nextInt(10));
            } else if (roll < 73) {
                c.noop();
            } else if (roll < 76 && c.upCount() > 3) {
                c.crash(name);
            } else if (roll < 80) {
                c.compact(name);
            } else if (roll < 83) {
                c.elect(name);
            } else if (roll < 88) {
                c.observeLog(name);
            }
        }
        c.finish();
        return c;
    }

    private long upCount() {
        return members.values().stream().filter(m -> m.up).count();
    }

    private void append(String content) {
        if (term == 0)
            throw new IllegalStateException("elect a leader first");
        log.add(new LoggedEntry(lastIndex() + 1, term, content));
    }

    private LoggedEntry entry(long index) {
        return log.get((int) index - 1);
    }

    private void startLife(String member, Member m) {
        if (m.up)
            throw new IllegalStateException(member + " is running");
        m.life++;
        m.up = true;
        m.applied = 0;
    }

    private void installSnapshot(String member, Member m, long index) {
        List<String> messages = new ArrayList<>();
        for (long i = 1; i <= index; i++)
            if (!GlobalOrder.isLogInternal(entry(i).content()))
                messages.add(entry(i).content());
        history.snapshotInstalled(member, m.life, index, messages);
        m.applied = index;
    }

    private List<LoggedEntry> logOf(Member m) {
        return List.copyOf(log.subList((int) m.compactedUpTo, log.size()));
    }

    private Member up(String member) {
        Member m = members.get(member);
        if (!m.up)
            throw new IllegalStateException(member + " is down");
        return m;
    }
}
