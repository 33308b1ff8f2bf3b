package org.jgroups.abcast.sim;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.jgroups.abcast.sim.HistoryEvent.BecameLeader;
import org.jgroups.abcast.sim.HistoryEvent.Crashed;
import org.jgroups.abcast.sim.HistoryEvent.Delivered;
import org.jgroups.abcast.sim.HistoryEvent.Finished;
import org.jgroups.abcast.sim.HistoryEvent.LogObserved;
import org.jgroups.abcast.sim.HistoryEvent.ReportedCommitted;
import org.jgroups.abcast.sim.HistoryEvent.SnapshotInstalled;

/**
 * Judges a recorded {@link History} against the atomic-broadcast guarantees, from the recorded events only.
 * First it gathers what all streams say about the global order, then replays the history in time order judging
 * each event, then judges the end state. Validity, agreement and the end-state part of durability are only judged
 * when the run {@linkplain History#finished finished}: before that nobody is obliged to have delivered anything.
 */
public final class HistoryChecker {
    private HistoryChecker() {}

    public static List<Violation> check(History h) {
        List<HistoryEvent> events = h.events();
        GlobalOrder global = GlobalOrder.of(events);
        Violations out = new Violations();
        DeliveryStreams streams = new DeliveryStreams();
        PhantomCheck phantoms = new PhantomCheck(global, out);
        CommonSequence common = new CommonSequence(global, out);
        StreamCheckContext context = new StreamCheckContext(global, streams, phantoms, common, out);
        DeliveryChecks deliveries = new DeliveryChecks(context);
        SnapshotChecks snapshots = new SnapshotChecks(context);
        LeaderChecks leaders = new LeaderChecks(global, out);
        LogMatchingCheck logs = new LogMatchingCheck(out);
        Set<String> correct = null;

        for (int i = 0; i < events.size(); i++) {
            HistoryEvent e = events.get(i);
            if (e instanceof Delivered d) {
                deliveries.delivered(i, d);
                leaders.delivered(i, d);
            } else if (e instanceof SnapshotInstalled s) {
                snapshots.installed(i, s);
            } else if (e instanceof ReportedCommitted r) {
                leaders.reported(i, r);
            } else if (e instanceof BecameLeader b) {
                leaders.becameLeader(i, b);
                logs.check(i, b);
            } else if (e instanceof LogObserved o) {
                logs.check(i, o);
            } else if (e instanceof Crashed c) {
                streams.get(c.stream()).release();
            } else if (e instanceof Finished f) {
                correct = f.correctMembers();
            }
        }

        Lives lives = Lives.of(events);
        List<DeliveryStream> finals = correct == null ? List.of() : lastLives(correct, lives, streams);
        DurabilityCheck.check(events, global, finals, out);
        if (correct != null)
            LivenessChecks.check(events, correct, lives, global, finals, out);
        return out.list();
    }

    private static List<DeliveryStream> lastLives(Set<String> correct, Lives lives, DeliveryStreams streams) {
        return correct.stream().sorted(Comparator.naturalOrder())
                .map(member -> streams.find(lives.lastLife(member))).toList();
    }
}
