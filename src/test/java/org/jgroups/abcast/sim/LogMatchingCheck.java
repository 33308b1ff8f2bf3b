package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.List;

import org.jgroups.abcast.sim.HistoryEvent.BecameLeader;
import org.jgroups.abcast.sim.HistoryEvent.LogObserved;

/**
 * Logs that hold an entry with the same index and term hold the same content there and the same entries below.
 * Remembering, per (index, term), the content and the term of the entry just below it is enough: by induction a
 * disagreement anywhere below a shared entry shows up as a disagreement one step down the chain.
 */
final class LogMatchingCheck {

    /** What the first log holding an (index, term) said there. */
    private static final class Seen {
        final long term;
        final String content;
        final String origin;
        Long termBelow; // null while no log showed the entry below
        Seen otherTerm; // the entry of another term at the same index, if logs diverged there

        Seen(long term, String content, String origin, Long termBelow, Seen otherTerm) {
            this.term = term;
            this.content = content;
            this.origin = origin;
            this.termBelow = termBelow;
            this.otherTerm = otherTerm;
        }
    }

    private final ByLogIndex<Seen> seen = new ByLogIndex<>();
    private final Violations out;

    LogMatchingCheck(Violations out) {
        this.out = out;
    }

    void check(int event, BecameLeader b) {
        check("the election log of " + b.member() + " for term " + b.term() + " (event #" + event + ")", b.log());
    }

    void check(int event, LogObserved o) {
        check("the log of " + o.member() + " observed at event #" + event, o.log());
    }

    private void check(String origin, List<LoggedEntry> log) {
        List<String> conflicts = new ArrayList<>();
        LoggedEntry below = null;
        for (LoggedEntry e : log) {
            Long termBelow = below != null && below.index() == e.index() - 1 ? below.term() : null;
            String conflict = compare(origin, e, termBelow);
            if (conflict != null)
                conflicts.add(conflict);
            below = e;
        }
        out.reportFirst(Property.LOG_MATCHING, conflicts);
    }

    private String compare(String origin, LoggedEntry e, Long termBelow) {
        Seen first = find(e.index(), e.term());
        if (first == null) {
            seen.put(e.index(), new Seen(e.term(), e.content(), origin, termBelow, seen.get(e.index())));
            return null;
        }
        if (!first.content.equals(e.content()))
            return where(e) + " holds " + e.content() + " in " + origin + " but " + first.content + " in "
                    + first.origin;
        if (termBelow == null)
            return null;
        if (first.termBelow == null)
            first.termBelow = termBelow;
        else if (!first.termBelow.equals(termBelow))
            return where(e) + " holds " + e.content() + " in both " + origin + " and " + first.origin
                    + ", but the entry below it, at index " + (e.index() - 1) + ", has term " + termBelow
                    + " in the former and term " + first.termBelow + " in the latter";
        return null;
    }

    private Seen find(long index, long term) {
        for (Seen s = seen.get(index); s != null; s = s.otherTerm)
            if (s.term == term)
                return s;
        return null;
    }

    private static String where(LoggedEntry e) {
        return "index " + e.index() + " term " + e.term();
    }
}
