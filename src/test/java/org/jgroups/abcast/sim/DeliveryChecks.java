package org.jgroups.abcast.sim;

import static org.jgroups.abcast.sim.Property.UNIFORM_INTEGRITY;
import static org.jgroups.abcast.sim.Property.UNIFORM_TOTAL_ORDER;

import java.util.ArrayList;
import java.util.List;

import org.jgroups.abcast.sim.GlobalOrder.Sighting;
import org.jgroups.abcast.sim.HistoryEvent.Delivered;

/**
 * Judges each individual delivery against its own stream (no duplicates, strictly increasing indices, no gaps),
 * against the reference global order (one message per index, one index per message) and, if nothing was wrong
 * with the stream so far, against the common sequence of application states.
 */
final class DeliveryChecks {
    private final StreamCheckContext ctx;

    DeliveryChecks(StreamCheckContext ctx) {
        this.ctx = ctx;
    }

    void delivered(int event, Delivered d) {
        DeliveryStream s = ctx.streams().get(d.stream());
        String m = d.messageId();
        String action = "delivered " + m + " at index " + d.index() + " (event #" + event + ")";
        if (!ctx.phantoms().accept(s, m, () -> action))
            return;
        if (s.contains(m)) {
            ctx.fault(s, UNIFORM_INTEGRITY, s.id() + " " + action + " although it had already "
                    + s.describeHowApplied(m) + " in the same life");
            return;
        }
        checkAgainstReference(s, d.index(), m, action);
        if (d.index() <= s.position())
            ctx.fault(s, UNIFORM_TOTAL_ORDER, s.id() + " " + action + " after having reached index " + s.position()
                    + ": indices must strictly increase within a life");
        else
            checkNoGap(s, d.index(), m, action);
        ctx.common().delivered(s, m, action);
        s.deliver(d.index(), m);
    }

    private void checkAgainstReference(DeliveryStream s, long index, String m, String action) {
        Sighting atIndex = ctx.global().atIndex(index);
        if (atIndex != null && !atIndex.messageId().equals(m))
            ctx.fault(s, UNIFORM_TOTAL_ORDER, "index " + index + " holds two messages: " + atIndex + ", but "
                    + s.id() + " " + action);
        Sighting placed = ctx.global().ofMessage(m);
        if (placed.index() != index)
            ctx.fault(s, UNIFORM_INTEGRITY, m + " appears at two global indices: " + placed + ", but " + s.id()
                    + " " + action);
    }

    /** A stream delivers a contiguous run of the global order: nothing delivered elsewhere may fall in between. */
    private void checkNoGap(DeliveryStream s, long index, String m, String action) {
        List<Sighting> skipped = new ArrayList<>();
        for (Sighting x : ctx.global().between(s.position(), index))
            // A message this stream delivers at another index is an integrity fault, reported as such.
            if (!x.messageId().equals(m) && !s.contains(x.messageId()))
                skipped.add(x);
        if (skipped.isEmpty())
            return;
        Sighting first = skipped.get(0);
        ctx.fault(s, UNIFORM_TOTAL_ORDER, s.id() + " skipped " + first.messageId() + " at index " + first.index()
                + " (" + first + "): after " + s.describePosition() + " it " + action
                + Violations.andMore(skipped.size() - 1));
    }
}
