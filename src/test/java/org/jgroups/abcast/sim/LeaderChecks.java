package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.jgroups.abcast.sim.HistoryEvent.BecameLeader;
import org.jgroups.abcast.sim.HistoryEvent.Delivered;
import org.jgroups.abcast.sim.HistoryEvent.ReportedCommitted;

/**
 * At most one leader per term, and every leader starts with every entry known to be committed so far. "So far" is
 * what the history recorded before the election, so this runs during the replay, in time order.
 */
final class LeaderChecks {

    /** Evidence that {@code messageId} is committed at some index. */
    private record Commit(String messageId, StreamId by, boolean reported, int event) {
        String evidence() {
            return (reported ? "reported committed to " + by : "delivered by " + by) + " at event #" + event;
        }
    }

    private record Election(String member, int event) {}

    private final GlobalOrder global;
    private final Violations out;
    private final NavigableMap<Long, Commit> committedSoFar = new TreeMap<>();
    private final Map<Long, Election> leaderOfTerm = new HashMap<>();

    LeaderChecks(GlobalOrder global, Violations out) {
        this.global = global;
        this.out = out;
    }

    void delivered(int event, Delivered d) {
        committed(d.index(), new Commit(d.messageId(), d.stream(), false, event));
    }

    void reported(int event, ReportedCommitted r) {
        committed(r.index(), new Commit(r.messageId(), r.stream(), true, event));
    }

    private void committed(long index, Commit commit) {
        // Phantoms are integrity faults; letting them in would also blame every later leader for lacking them.
        if (global.isApplicationMessage(commit.messageId()))
            committedSoFar.putIfAbsent(index, commit);
    }

    void becameLeader(int event, BecameLeader b) {
        Election earlier = leaderOfTerm.putIfAbsent(b.term(), new Election(b.member(), event));
        if (earlier != null && !earlier.member().equals(b.member()))
            out.report(Property.SINGLE_LEADER_PER_TERM, "term " + b.term() + " has two leaders: " + earlier.member()
                    + " (event #" + earlier.event() + ") and " + b.member() + " (event #" + event + ")");
        checkComplete(event, b);
    }

    private void checkComplete(int event, BecameLeader b) {
        // An empty log does not say where the leader's compacted prefix ends, so nothing can be required of it.
        if (b.log().isEmpty())
            return;
        long first = b.log().get(0).index();
        long last = b.log().get(b.log().size() - 1).index();
        ByLogIndex<String> content = contentByIndex(b.log());
        String who = b.member() + " became leader of term " + b.term() + " (event #" + event
                + ") with a log of indices " + first + ".." + last;
        List<String> lacking = new ArrayList<>();
        committedSoFar.tailMap(first, true).forEach((index, c) -> {
            String held = content.get(index);
            if (!c.messageId().equals(held))
                lacking.add(who + " that " + (held == null ? "lacks" : "holds " + held + " instead of") + " "
                        + c.messageId() + " at index " + index + ", which was " + c.evidence());
        });
        out.reportFirst(Property.LEADER_COMPLETENESS, lacking);
    }

    private static ByLogIndex<String> contentByIndex(List<LoggedEntry> log) {
        ByLogIndex<String> content = new ByLogIndex<>();
        for (LoggedEntry entry : log)
            content.put(entry.index(), entry.content());
        return content;
    }
}
