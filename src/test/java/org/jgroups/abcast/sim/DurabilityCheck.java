package org.jgroups.abcast.sim;

import java.util.List;

import org.jgroups.abcast.sim.GlobalOrder.Sighting;
import org.jgroups.abcast.sim.HistoryEvent.ReportedCommitted;

/**
 * A message reported committed at an index is the message at that index, forever: no stream may deliver anything
 * else there or deliver it elsewhere (judged for every run), and every correct member's last life delivers it there
 * (judged once the run finished).
 */
final class DurabilityCheck {
    private DurabilityCheck() {}

    static void check(List<HistoryEvent> events, GlobalOrder global, List<DeliveryStream> finals, Violations out) {
        for (int i = 0; i < events.size(); i++)
            if (events.get(i) instanceof ReportedCommitted r)
                checkReport(i, r, global, finals, out);
    }

    private static void checkReport(int event, ReportedCommitted r, GlobalOrder global, List<DeliveryStream> finals,
                                    Violations out) {
        String m = r.messageId();
        String claim = m + " was reported committed at index " + r.index() + " to its submitter " + r.stream()
                + " (event #" + event + ")";
        Sighting atIndex = global.atIndex(r.index());
        if (atIndex != null && !atIndex.messageId().equals(m))
            out.report(Property.DURABILITY, claim + ", but " + atIndex);
        Sighting placed = global.ofMessage(m);
        if (placed != null && placed.index() != r.index())
            out.report(Property.DURABILITY, claim + ", but " + placed);
        for (DeliveryStream f : finals) {
            String problem = problemAt(f, m, r.index());
            if (problem != null)
                out.report(Property.DURABILITY, claim + ", but " + f.describeAsLastLife() + " " + problem);
        }
    }

    private static String problemAt(DeliveryStream f, String m, long index) {
        Long at = f.deliveredAt(m);
        if (at != null)
            return at == index ? null : "delivered it at index " + at;
        Long bound = f.snapshotBound(m);
        if (bound == null)
            return "never delivered it (nor installed a snapshot containing it)";
        return bound >= index ? null : "got it through a snapshot at index " + bound + ", below the reported index";
    }
}
