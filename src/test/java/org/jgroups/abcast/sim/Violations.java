package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Collects violations, showing at most {@link #CAP_PER_PROPERTY} per property so one systematic fault cannot bury
 * the others; what is cut is summarised in one extra violation, so the count of a failing property is never lost.
 */
final class Violations {
    static final int CAP_PER_PROPERTY = 20;

    private final List<Violation> shown = new ArrayList<>();
    private final Map<Property, Integer> found = new EnumMap<>(Property.class);

    void report(Property property, String detail) {
        if (found.merge(property, 1, Integer::sum) <= CAP_PER_PROPERTY)
            shown.add(new Violation(property.label, detail));
    }

    /** One violation for a batch of related findings (e.g. all a snapshot lacks): the first, and how many more. */
    void reportFirst(Property property, List<String> findings) {
        if (!findings.isEmpty())
            report(property, findings.get(0) + andMore(findings.size() - 1));
    }

    static String andMore(int more) {
        return more == 0 ? "" : " (and " + more + " more like it)";
    }

    List<Violation> list() {
        List<Violation> all = new ArrayList<>(shown);
        found.forEach((property, count) -> {
            if (count > CAP_PER_PROPERTY)
                all.add(new Violation(property.label, "... and " + (count - CAP_PER_PROPERTY) + " more "
                        + property.label + " violations not shown"));
        });
        return List.copyOf(all);
    }
}
