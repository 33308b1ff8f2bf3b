package org.jgroups.abcast.sim;

import org.jgroups.abcast.core.ConfigChange;
import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Engine;
import org.jgroups.abcast.core.EngineOptions;
import org.jgroups.abcast.core.Entry;
import org.jgroups.abcast.core.EntryType;
import org.jgroups.abcast.core.PeerMessage;
import org.jgroups.abcast.core.ProposalResult;
import org.jgroups.abcast.core.Ready;
import org.jgroups.abcast.core.Role;
import org.jgroups.abcast.core.SnapshotMeta;
import org.jgroups.abcast.core.SnapshotNeeded;
import org.jgroups.abcast.core.UnsafeTestMutation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs a whole cluster of engines from one seed: a simulated network (delay, loss, duplication, reordering,
 * partitions), simulated disks (fsync latency, crashes that lose unforced writes, disk loss), client submissions with
 * resends, membership changes and log compaction with snapshot transfer. Everything is driven by one
 * {@link Random}, and events at equal times run in scheduling order, so a seed replays bit for bit.
 *
 * <p>The run records a {@link History}; {@link HistoryChecker} judges it without looking at engine internals.
 */
public final class Simulation {
    static final int TICK_MS = 10;

    /** What a run produced. */
    public record Result(long seed, History history, long steps, long faults, Map<String, Long> faultKinds,
                         List<Violation> violations, String summary, String finalState) {
    }

    private record Event(long time, long seq, Runnable action) {
    }

    private final long seed;
    private final Random rnd;
    private final Set<UnsafeTestMutation> mutations;
    private final History history = new History();
    private final PriorityQueue<Event> queue =
        new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final Map<String, SimNode> nodes = new TreeMap<>();
    private final Set<String> leadersRecorded = new HashSet<>();
    private final List<Violation> engineFailures = new ArrayList<>();
    private long now, eventSeq, steps, faults, storageCounter;
    private final Map<String, Long> faultKinds = new TreeMap<>();
    private boolean chaos = true, submitting = true;

    // per-seed parameters
    private final int initialMembers, spareMembers;
    private final double lossRate, dupRate, reorderRate;
    private final int minDelay, maxDelay, fsyncMin, fsyncMax;
    private final long chaosMillis;
    private final int submitEveryMs, faultEveryMs, compactThreshold;
    private final double wipeProbability;
    /**
     * The cluster starts as the product starts it: every member with an empty disk, the first one bootstrapping once a
     * majority of the initial members it can reach belongs to no cluster (ABCAST's rule), the others joining.
     */
    private final boolean growFromOne;
    private final int faultTicks;
    private final int bulkCatchUpEntries;
    private final Set<Set<String>> partitionGroups = new HashSet<>();
    private Map<String, Integer> partitionSide = Map.of();

    public Simulation(long seed, Set<UnsafeTestMutation> mutations) {
        this.seed = seed;
        this.rnd = new Random(seed);
        this.mutations = mutations;
        initialMembers = 3 + rnd.nextInt(5);          // 3..7
        spareMembers = rnd.nextInt(3);                  // joiners
        lossRate = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 0.05;
        dupRate = rnd.nextDouble() * 0.02;
        reorderRate = rnd.nextDouble() * 0.05;
        minDelay = 1 + rnd.nextInt(3);
        maxDelay = minDelay + 1 + rnd.nextInt(15);
        fsyncMin = 1 + rnd.nextInt(3);
        fsyncMax = fsyncMin + rnd.nextInt(10);
        chaosMillis = 3_000 + rnd.nextInt(3_000);
        submitEveryMs = 3 + rnd.nextInt(15);
        faultEveryMs = 150 + rnd.nextInt(400);
        compactThreshold = rnd.nextBoolean() ? Integer.MAX_VALUE : 20 + rnd.nextInt(80);
        wipeProbability = rnd.nextDouble() * 0.3;
        faultTicks = rnd.nextBoolean() ? 0 : 50 + rnd.nextInt(250);
        bulkCatchUpEntries = rnd.nextBoolean() ? 0 : 10 + rnd.nextInt(50);
        growFromOne = rnd.nextInt(3) == 0;
    }

    public Result run() {
        Map<String, String> voters = new TreeMap<>();
        for (int i = 0; i < initialMembers; i++) voters.put(name(i), newStorageId());
        Entry bootstrap = Entry.config(1, 1, name(0), Configuration.ofVoters(voters));
        voters.forEach((m, storage) -> {
            SimNode n = new SimNode(m);
            n.disk = growFromOne ? new SimDisk(storage) : SimDisk.bootstrapped(storage, bootstrap);
            n.clusterKnown = !growFromOne;
            nodes.put(m, n);
            start(n);
        });
        if (growFromOne) count("bootstrap-by-first-member");

        for (int i = 0; i < spareMembers; i++) nodes.put(name(initialMembers + i), new SimNode(name(initialMembers + i)));

        schedule(rnd.nextInt(submitEveryMs), this::submitSomewhere);
        schedule(faultEveryMs, this::injectFault);
        schedule(200, this::operate);
        schedule(100, this::announceViews);
        schedule(chaosMillis, this::endChaos);
        long quiesceDeadline = chaosMillis + 60_000;
        // A broken variant keeps running past the engine's own assertions, so that the checker has to find the damage.
        boolean stopOnAssertion = mutations.isEmpty();
        while (!queue.isEmpty() && (engineFailures.isEmpty() || !stopOnAssertion)) {
            Event e = queue.poll();
            if (e.time > quiesceDeadline) break;
            now = e.time;
            steps++;
            e.action.run();
            if (!chaos && !submitting && now % 50 == 0 && converged()) break;
        }
        Set<String> correct = correctMembers();
        for (SimNode n : nodes.values())
            if (n.alive) history.logObserved(n.id, loggedEntries(n.disk.image()));
        history.finished(correct);
        List<Violation> violations = new ArrayList<>(engineFailures);
        violations.addAll(HistoryChecker.check(history));
        String summary = "seed=" + seed + " members=" + initialMembers + "+" + spareMembers + " virtual_ms=" + now
            + " steps=" + steps + " faults=" + faults + " correct=" + correct + " converged=" + converged();
        return new Result(seed, history, steps, faults, faultKinds, violations, summary, describeNodes());
    }

    /** Each member's state at the end, for diagnosing a failed seed. */
    private String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodes.values()) {
            sb.append("    ").append(n.id).append(" life=").append(n.life).append(n.alive ? " up " : " down ");
            if (n.disk != null) sb.append(" disk=").append(n.disk.storageId);
            if (n.engine != null)
                sb.append(' ').append(n.engine).append(" pending=").append(n.engine.pendingSubmissions())
                    .append(" config=").append(n.engine.config())
                    .append(n.engine.role() == Role.LEADER ? " followers=" + n.engine.describeFollowers() : "");
            sb.append('\n');
        }
        return sb.toString();
    }

    private static final boolean TRACE = System.getenv("SIM_TRACE") != null;

    /** Narrates the run to stdout when SIM_TRACE is set: for diagnosing a failing seed. */
    private void trace(String what) {
        if (TRACE) System.out.println("t=" + now + " " + what);
    }

    private void count(String kind) {
        trace(kind);
        faults++;
        faultKinds.merge(kind, 1L, Long::sum);
    }

    // ------------------------------------------------------------------ scheduling

    private void schedule(long delay, Runnable action) {
        queue.add(new Event(now + delay, eventSeq++, action));
    }

    private static String name(int i) {
        return "m" + i;
    }

    private String newStorageId() {
        return "s" + (++storageCounter);
    }

    // ------------------------------------------------------------------ node lifecycle

    private void start(SimNode n) {
        n.alive = true;
        n.life++;
        n.incarnation++;
        int life = n.life;
        EngineOptions o = EngineOptions.defaults(n.id, n.disk.storageId, n.incarnation)
            .withTiming(10, 2, 15).withLimits(8, 4096, 16 * 1024).withRandomSeed(rnd.nextLong()).withMutations(mutations)
            .withAutoMembership(true, 5).withFaultRemoval(faultTicks, 3)
            .withBulkCatchUp(bulkCatchUpEntries);
        SimDisk.Image img = n.disk.image();
        guard(n, () -> n.engine = new Engine(o, n.disk, n.disk.hardState, img.snap));
        if (!n.clusterKnown && img.snap.index() == 0 && !img.entries.isEmpty()) {
            // our own bootstrap entry survived the crash, its cluster id not yet stored (Replica.finishInterruptedBootstrap)
            Entry first = img.entries.get(0);
            if (first.type() == EntryType.CONFIG && first.origin().equals(n.id)
                && first.configuration().voters().equals(Map.of(n.id, n.disk.storageId))) n.clusterKnown = true;
        }
        n.appState = new ArrayList<>(img.snapState);
        n.appliedIndex = img.snap.index();
        if (img.snap.index() > 0) history.snapshotInstalled(n.id, life, img.snap.index(), List.copyOf(img.snapState));
        schedule(1 + rnd.nextInt(TICK_MS), () -> tickLoop(n, life));
    }

    private void tickLoop(SimNode n, int life) {
        if (!n.isLife(life)) return;
        onNode(n, Engine::tick);
        schedule(TICK_MS, () -> tickLoop(n, life));
    }

    private void crash(SimNode n) {
        trace("crash " + n.id + (n.gone ? " (left for good)" : ""));
        history.crashed(n.id, n.life);
        n.alive = false;
        n.leaving = false; // a crash interrupts a leave; the restarted process is a plain member again
        n.bootstrapping = false;
        n.engine = null;
        count("crash");
        if (n.disk.crash(rnd) > 0) count("torn-write");
    }

    // ------------------------------------------------------------------ driving an engine

    private void onNode(SimNode n, Consumer<Engine> input) {
        if (!n.alive) return;
        guard(n, () -> {
            input.accept(n.engine);
            drain(n);
        });
    }

    private void guard(SimNode n, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            engineFailures.add(new Violation("engine-invariant", n.id + " at t=" + now + ": " + e));
        }
    }

    private void drain(SimNode n) {
        Ready r;
        do {
            r = n.engine.ready();
            if (r.hardState() != null) n.disk.hardState = r.hardState(); // synchronous, before any message goes out
            r.writes().forEach(w -> n.disk.write(new SimDisk.Write(w)));
            maybeForce(n);
            r.messages().forEach(this::transmit);
            for (Entry e : r.committed()) apply(n, e);
            r.snapshotsNeeded().forEach(s -> transferSnapshot(n, s));
            if (r.catchUpWanted() != null) {
                count("bulk-catch-up");
                fetchCommitted(n, n.life, r.catchUpWanted().fromIndex(), null, 0);
            }
        } while (r.moreCommitted());
        if (n.engine.role() == Role.LEADER && leadersRecorded.add(n.engine.term() + "/" + n.id))
            history.becameLeader(n.id, n.engine.term(), loggedEntries(n.disk.image()));
        if (n.bootstrapping && n.engine.durableIndex() >= 1) { // the cluster id is stored once entry 1 is durable
            n.bootstrapping = false;
            n.clusterKnown = true;
        }
        maybeCompact(n);
        if (n.leaving && n.engine.hasLeft()) { // gone for good: never restarted
            n.gone = true;
            crash(n);
        }
    }

    private void apply(SimNode n, Entry e) {
        n.appliedIndex = e.index();
        if (e.type() == EntryType.CONFIG)
            trace(n.id + " (" + n.engine.role() + " t" + n.engine.term() + ") applied config " + e.index() + "@" + e.term()
                  + ": " + e.configuration());
        if (e.type() != EntryType.DATA) return;
        String id = new String(e.payload(), StandardCharsets.UTF_8);
        n.appState.add(id);
        history.delivered(n.id, n.life, e.index(), id);
        if (e.origin().equals(n.id) && e.incarnation() == n.incarnation)
            history.reportedCommitted(n.id, n.life, id, e.index());
    }

    private void maybeForce(SimNode n) {
        if (n.disk.forcing() || !n.disk.hasUnforced()) return;
        long[] reported = n.disk.startForce();
        int life = n.life;
        schedule(fsyncMin + rnd.nextInt(fsyncMax - fsyncMin + 1), () -> {
            if (!n.isLife(life)) return;
            n.disk.completeForce();
            onNode(n, e -> e.persisted(reported[0], reported[1]));
            maybeForce(n);
        });
    }

    private void maybeCompact(SimNode n) {
        Engine e = n.engine;
        long applied = e.appliedIndex();
        if (applied - n.disk.snapshotIndex() < compactThreshold || applied > e.durableIndex()) return;
        SnapshotMeta meta = e.snapshotAtApplied();
        n.disk.write(new SimDisk.Compact(meta, List.copyOf(n.appState)));
        maybeForce(n);
    }

    private void transferSnapshot(SimNode leader, SnapshotNeeded need) {
        SimDisk.Image img = leader.disk.image();
        SimNode f = nodes.get(need.follower());
        if (f == null || img.snap.index() == 0) return;
        SnapshotMeta meta = img.snap;
        List<String> state = img.snapState;
        if (!reachable(leader.id, f.id)) return;
        schedule(maxDelay + rnd.nextInt(20), () -> {
            if (!f.alive) return;
            guard(f, () -> {
                if (f.engine.installSnapshot(meta)) {
                    f.disk.write(new SimDisk.Reset(meta, state));
                    f.appState = new ArrayList<>(state);
                    f.appliedIndex = meta.index();
                    history.snapshotInstalled(f.id, f.life, meta.index(), List.copyOf(state));
                    count("snapshot-transfer");
                }
                drain(f);
                maybeForce(f);
            });
        });
    }

    /**
     * Plays the recovery layer: fetch committed entries in chunks from any member (not only the leader), resuming
     * from the requester's commit index, switching source when one has nothing to give.
     */
    private void fetchCommitted(SimNode n, int life, long from, SimNode preferred, int failedSources) {
        List<SimNode> others = new ArrayList<>();
        for (SimNode o : aliveNodes())
            if (o != n) others.add(o);
        if (others.isEmpty()) return;
        SimNode source = preferred != null && preferred.alive ? preferred : others.get(rnd.nextInt(others.size()));
        schedule(minDelay + rnd.nextInt(maxDelay - minDelay + 1), () -> {
            if (!source.alive || !reachable(n.id, source.id)) return; // lost: the engine asks again after a while
            List<Entry> chunk = source.engine.readCommitted(from, 4096);
            schedule(minDelay + rnd.nextInt(maxDelay - minDelay + 1), () -> {
                if (!n.isLife(life) || !reachable(n.id, source.id)) return;
                if (chunk.isEmpty() && failedSources + 1 >= others.size()) { // nobody has it: leave it to the leader
                    onNode(n, Engine::abandonCatchUp);
                    return;
                }
                long[] next = {-1};
                onNode(n, e -> next[0] = e.installCommitted(chunk));
                if (next[0] > 0)
                    fetchCommitted(n, life, next[0], chunk.isEmpty() ? null : source, chunk.isEmpty() ? failedSources + 1 : 0);
            });
        });
    }

    // ------------------------------------------------------------------ network

    private boolean reachable(String a, String b) {
        Integer sa = partitionSide.get(a), sb = partitionSide.get(b);
        return sa == null || sb == null || sa.equals(sb);
    }

    private void transmit(PeerMessage m) {
        if (!reachable(m.from(), m.to())) {
            count("partition-drop");
            return;
        }
        if (rnd.nextDouble() < lossRate) {
            count("loss");
            return;
        }
        int copies = rnd.nextDouble() < dupRate ? 2 : 1;
        if (copies > 1) count("duplicate");
        for (int i = 0; i < copies; i++) {
            long delay = minDelay + rnd.nextInt(maxDelay - minDelay + 1);
            if (rnd.nextDouble() < reorderRate) {
                delay += rnd.nextInt(50);
                count("reorder");
            }
            SimNode from = nodes.get(m.from());
            boolean senderKnowsCluster = from != null && from.clusterKnown;
            schedule(delay, () -> {
                SimNode to = nodes.get(m.to());
                if (to == null || !reachable(m.from(), m.to())) return;
                // A member of no cluster joins the one whose leader first replicates to it (Replica.admit).
                if (senderKnowsCluster && !to.clusterKnown && to.alive && m instanceof PeerMessage.AppendRequest)
                    to.clusterKnown = true;
                onNode(to, e -> e.step(m));
            });
        }
    }

    // ------------------------------------------------------------------ clients

    private void submitSomewhere() {
        if (!submitting) return;
        List<SimNode> alive = aliveNodes();
        if (!alive.isEmpty()) {
            SimNode n = alive.get(rnd.nextInt(alive.size()));
            String id = "msg-" + n.id + "-" + n.life + "-" + (++n.submitted);
            history.submitted(n.id, n.life, id);
            onNode(n, e -> e.submit(id.getBytes(StandardCharsets.UTF_8)));
        }
        schedule(1 + rnd.nextInt(2 * submitEveryMs), this::submitSomewhere);
    }

    // ------------------------------------------------------------------ faults

    private void injectFault() {
        if (!chaos) return;
        int kind = rnd.nextInt(10);
        List<SimNode> alive = aliveNodes();
        if (kind < 3 && alive.size() > 1) {
            SimNode victim = alive.get(rnd.nextInt(alive.size()));
            // Disk loss is survivable only one voter at a time, and only with at least three voters: losing a majority
            // of disks loses committed data.
            boolean enoughVoters = victim.engine != null && victim.engine.config().voters().size() >= 3;
            crash(victim);
            boolean wipe = rnd.nextDouble() < wipeProbability && noWipedMemberAwaitingReAdd() && enoughVoters;
            if (wipe) victim.wipedAwaitingReAdd = true;
            schedule(100 + rnd.nextInt(1500), () -> restart(victim, wipe));
        } else if (kind < 5 && partitionSide.isEmpty()) {
            Map<String, Integer> side = new TreeMap<>();
            for (String m : nodes.keySet()) side.put(m, rnd.nextInt(2));
            partitionSide = side;
            count("partition");
            schedule(200 + rnd.nextInt(1500), () -> partitionSide = Map.of());
        } else if (kind == 5) {
            lossBurst();
        } else if (kind == 6) {
            leaveGracefully();
        }
        schedule(faultEveryMs / 2 + rnd.nextInt(faultEveryMs), this::injectFault);
    }

    private void lossBurst() {
        // a short full isolation of one member (like a long GC pause seen from the network)
        List<SimNode> alive = aliveNodes();
        if (alive.isEmpty() || !partitionSide.isEmpty()) return;
        Map<String, Integer> side = new TreeMap<>();
        String isolated = alive.get(rnd.nextInt(alive.size())).id;
        for (String m : nodes.keySet()) side.put(m, m.equals(isolated) ? 1 : 0);
        partitionSide = side;
        count("isolation");
        schedule(50 + rnd.nextInt(400), () -> partitionSide = Map.of());
    }

    /** A voter shuts down for good: it asks to be removed and stops once it knows the removal is committed. */
    private void leaveGracefully() {
        SimNode leader = currentLeader();
        if (leader == null || leader.engine.config().voters().size() <= 3) return;
        List<SimNode> voters = new ArrayList<>();
        for (SimNode n : aliveNodes())
            if (leader.engine.config().isVoter(n.id, n.disk.storageId) && !n.leaving) voters.add(n);
        if (voters.isEmpty()) return;
        SimNode n = voters.get(rnd.nextInt(voters.size()));
        n.leaving = true;
        count("leave");
        trace("leave requested by " + n.id);
        onNode(n, Engine::leave);
        int life = n.life;
        schedule(3_000, () -> { // bounded: a leave that cannot complete ends in a plain crash, restarted later
            if (n.isLife(life)) {
                crash(n);
                schedule(100 + rnd.nextInt(1000), () -> restart(n, false));
            }
        });
    }

    private boolean noWipedMemberAwaitingReAdd() {
        for (SimNode n : nodes.values())
            if (n.wipedAwaitingReAdd) return false;
        return true;
    }

    private void restart(SimNode n, boolean wipe) {
        if (n.alive || n.gone) return;
        if (wipe) {
            history.diskWiped(n.id);
            n.disk = new SimDisk(newStorageId());
            n.clusterKnown = false;
            count("disk-loss");
        }
        start(n);
    }

    private void endChaos() {
        chaos = false;
        partitionSide = Map.of();
        for (SimNode n : nodes.values())
            if (!n.alive && n.disk != null && !n.gone) restart(n, false);
        schedule(1_000 + rnd.nextInt(2_000), () -> submitting = false);
    }

    /** Plays JGroups' group membership: every member periodically learns who it can reach (a liveness hint). */
    private void announceViews() {
        for (SimNode n : aliveNodes()) {
            Set<String> view = new TreeSet<>();
            for (SimNode o : aliveNodes())
                if (reachable(n.id, o.id)) view.add(o.id);
            onNode(n, e -> e.hintMembers(view));
        }
        maybeBootstrap();
        schedule(100 + rnd.nextInt(100), this::announceViews);
    }

    /**
     * ABCAST's bootstrap rule: the first initial member, holding no cluster id, creates the cluster once every initial
     * member is in its view and none of the members in its view holds a cluster id.
     */
    private void maybeBootstrap() {
        SimNode first = nodes.get(name(0));
        if (!growFromOne || !first.alive || first.clusterKnown || first.bootstrapping) return;
        for (SimNode m : aliveNodes())
            if (m.clusterKnown && reachable(first.id, m.id)) return; // it joins that cluster instead
        for (int i = 0; i < initialMembers; i++) {
            SimNode m = nodes.get(name(i));
            if (!m.alive || !reachable(first.id, m.id)) return; // an initial member it cannot see may hold the history
        }
        onNode(first, e -> {
            if (e.bootstrap()) {
                first.bootstrapping = true;
                trace(first.id + " bootstraps the cluster");
            }
        });
    }

    // ------------------------------------------------------------------ membership operator

    /**
     * Plays the operator: starts new members (they ask to join; the leader's automatic policy adds and promotes
     * them, and re-adds members back with a new disk) and removes voters at random.
     */
    private void operate() {
        SimNode leader = currentLeader();
        if (leader != null) guard(leader, () -> operateOn(leader));
        schedule(100 + rnd.nextInt(300), this::operate);
    }

    private void operateOn(SimNode leaderNode) {
        Engine l = leaderNode.engine;
        Configuration c = l.config();
        if (chaos) {
            int dice = rnd.nextInt(10);
            List<SimNode> spare = new ArrayList<>();
            for (SimNode n : nodes.values())
                if (n.disk == null) spare.add(n);
            if (dice < 2 && !spare.isEmpty()) {
                SimNode joiner = spare.get(rnd.nextInt(spare.size()));
                joiner.disk = new SimDisk(newStorageId());
                start(joiner);
                count("join");
            } else if (dice == 2 && c.voters().size() > 3) {
                List<String> voters = new ArrayList<>(c.voters().keySet());
                if (l.propose(new ConfigChange.Remove(voters.get(rnd.nextInt(voters.size())))) == ProposalResult.ACCEPTED) {
                    count("removal");
                    drain(leaderNode);
                }
            }
        }
        // A wiped member is whole again once it votes again with its new disk (or is no longer a member at all).
        for (SimNode n : nodes.values())
            if (n.wipedAwaitingReAdd && n.alive && l.commitIndex() >= l.lastIndex()
                && (c.isVoter(n.id, n.disk.storageId) || !c.contains(n.id)))
                n.wipedAwaitingReAdd = false;
    }

    // ------------------------------------------------------------------ observation

    private List<SimNode> aliveNodes() {
        List<SimNode> out = new ArrayList<>();
        for (SimNode n : nodes.values())
            if (n.alive) out.add(n);
        return out;
    }

    private SimNode currentLeader() {
        SimNode best = null;
        for (SimNode n : aliveNodes())
            if (n.engine.role() == Role.LEADER && (best == null || n.engine.term() > best.engine.term())) best = n;
        return best;
    }

    /** Alive, in the final configuration with the storage they have now. */
    private Set<String> correctMembers() {
        Set<String> correct = new TreeSet<>();
        SimNode leader = currentLeader();
        Configuration c = leader != null ? leader.engine.config() : null;
        for (SimNode n : aliveNodes()) {
            Configuration cfg = c != null ? c : n.engine.config();
            if (n.disk.storageId.equals(cfg.storageOf(n.id))) correct.add(n.id);
        }
        return correct;
    }

    private boolean converged() {
        SimNode leader = currentLeader();
        if (leader == null) return false;
        Engine l = leader.engine;
        if (!l.config().learners().isEmpty() || !l.followersWithNewStorage().isEmpty()) return false;
        if (l.commitIndex() != l.lastIndex()) return false;
        for (SimNode n : aliveNodes())
            if (!n.disk.storageId.equals(l.config().storageOf(n.id))) return false; // still joining
        for (String m : correctMembers()) {
            Engine e = nodes.get(m).engine;
            if (e.pendingSubmissions() > 0 || e.appliedIndex() != l.commitIndex()) return false;
        }
        return true;
    }

    static List<LoggedEntry> loggedEntries(SimDisk.Image img) {
        List<LoggedEntry> out = new ArrayList<>(img.entries.size());
        for (Entry e : img.entries) {
            String content = switch (e.type()) {
                case DATA -> new String(e.payload(), StandardCharsets.UTF_8);
                case NOOP -> "#noop";
                case CONFIG -> "#config:" + e.configuration();
            };
            out.add(new LoggedEntry(e.index(), e.term(), content));
        }
        return out;
    }

    /** One simulated member: its disk outlives its process lives. */
    private static final class SimNode {
        final String id;
        SimDisk disk;
        Engine engine;
        boolean alive;
        int life = -1;
        long incarnation;   // monotonic across lives and disk losses, as the adapter must guarantee
        int submitted;
        List<String> appState = new ArrayList<>();
        long appliedIndex;
        boolean wipedAwaitingReAdd;
        /** Holds the cluster id in its metadata (lost with the disk). */
        boolean clusterKnown;
        /** Bootstrapped in this life; the cluster id is stored once the first entry is durable. */
        boolean bootstrapping;
        boolean leaving;
        boolean gone;

        SimNode(String id) {
            this.id = id;
        }

        boolean isLife(int l) {
            return alive && life == l;
        }
    }
}
