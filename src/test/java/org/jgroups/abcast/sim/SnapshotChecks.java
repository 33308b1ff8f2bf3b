package org.jgroups.abcast.sim;

import static org.jgroups.abcast.sim.Property.UNIFORM_INTEGRITY;
import static org.jgroups.abcast.sim.Property.UNIFORM_TOTAL_ORDER;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jgroups.abcast.sim.GlobalOrder.Sighting;
import org.jgroups.abcast.sim.HistoryEvent.SnapshotInstalled;

/**
 * A snapshot at index S must hold exactly the global sequence's messages up to S, in order. Individual indices of
 * its messages are unknown, so it is compared with what deliveries elsewhere reveal about the indices.
 */
final class SnapshotChecks {
    private final StreamCheckContext ctx;

    SnapshotChecks(StreamCheckContext ctx) {
        this.ctx = ctx;
    }

    void installed(int event, SnapshotInstalled e) {
        DeliveryStream s = ctx.streams().get(e.stream());
        String what = "the snapshot " + s.id() + " installed at index " + e.index() + " (event #" + event + ")";
        if (e.index() < s.position())
            ctx.fault(s, UNIFORM_TOTAL_ORDER, what + " goes back below index " + s.position() + ", which " + s.id()
                    + " had already reached");
        Set<String> listed = checkListedOnce(s, e, event, what);
        checkKnownIndices(s, e, what);
        checkNothingMissing(s, e.index(), listed, what);
        // A snapshot arriving mid-life replaces the state, so it must also extend what the life already applied.
        ctx.common().installed(s, e.messages(), listed, what);
        s.install(e.index(), listed);
    }

    private Set<String> checkListedOnce(DeliveryStream s, SnapshotInstalled e, int event, String what) {
        Set<String> listed = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (String m : e.messages()) {
            ctx.phantoms().accept(s, m,
                    () -> "installed a snapshot at index " + e.index() + " (event #" + event + ") listing " + m);
            if (!listed.add(m))
                twice.add(what + " lists " + m + " more than once");
        }
        ctx.fault(s, UNIFORM_INTEGRITY, twice);
        return listed;
    }

    private void checkKnownIndices(DeliveryStream s, SnapshotInstalled e, String what) {
        List<String> misplaced = new ArrayList<>();
        Sighting highest = null;
        for (String m : e.messages()) {
            Sighting at = ctx.global().ofMessage(m);
            if (at == null)
                continue;
            if (at.index() > e.index())
                misplaced.add(what + " lists " + m + ", but " + at + ", above the snapshot index");
            else if (highest != null && at.index() < highest.index())
                misplaced.add(what + " lists " + m + " after " + highest.messageId() + ", but the global order has "
                        + m + " first: " + at + ", and " + highest);
            if (highest == null || at.index() > highest.index())
                highest = at;
        }
        ctx.fault(s, UNIFORM_TOTAL_ORDER, misplaced);
    }

    private void checkNothingMissing(DeliveryStream s, long index, Set<String> listed, String what) {
        List<String> missing = new ArrayList<>();
        for (Sighting x : ctx.global().upTo(index))
            if (!listed.contains(x.messageId()))
                missing.add(what + " lacks " + x.messageId() + ", although " + x);
        ctx.fault(s, UNIFORM_TOTAL_ORDER, missing);
    }
}
