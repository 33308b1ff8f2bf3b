package org.jgroups.abcast.sim;

import java.util.List;
import java.util.Set;

import org.jgroups.abcast.sim.HistoryEvent.Submitted;

/**
 * What a finished run must have achieved for its correct members' last lives: their own submissions delivered
 * everywhere (validity), and anything any life delivered, even one that crashed, delivered everywhere (agreement).
 */
final class LivenessChecks {
    private LivenessChecks() {}

    static void check(List<HistoryEvent> events, Set<String> correct, Lives lives, GlobalOrder global,
                      List<DeliveryStream> finals, Violations out) {
        for (int i = 0; i < events.size(); i++)
            if (events.get(i) instanceof Submitted s && correct.contains(s.stream().member())
                    && s.stream().equals(lives.lastLife(s.stream().member())))
                requireEverywhere(Property.VALIDITY, s.messageId(), "correct member " + s.stream().member()
                        + " submitted " + s.messageId() + " in its last life " + s.stream() + " (event #" + i + ")",
                        finals, out);
        global.forEachApplied((m, evidence) -> requireEverywhere(Property.UNIFORM_AGREEMENT, m, evidence, finals, out));
    }

    private static void requireEverywhere(Property property, String m, String why, List<DeliveryStream> finals,
                                          Violations out) {
        for (DeliveryStream f : finals)
            if (!f.contains(m))
                out.report(property, why + ", but " + f.describeAsLastLife() + " never delivered " + m
                        + " (nor installed a snapshot containing it)");
    }
}
