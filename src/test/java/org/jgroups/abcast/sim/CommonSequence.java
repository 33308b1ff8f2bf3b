package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one sequence every application state must be a prefix of, built as the streams apply messages: the first
 * life to apply a message as number k fixes number k. This catches what index checks cannot, because some indices
 * are known only through snapshots (e.g. a life skipping a message that only a snapshot elsewhere reveals). A
 * stream already found at fault no longer takes part, so one fault is neither reported twice nor built in.
 */
final class CommonSequence {
    private final List<String> messages = new ArrayList<>();
    private final List<StreamId> fixedBy = new ArrayList<>();
    private final Map<String, Integer> numberOf = new HashMap<>();
    private final GlobalOrder global;
    private final Violations out;

    CommonSequence(GlobalOrder global, Violations out) {
        this.global = global;
        this.out = out;
    }

    /** @param action what the stream did, e.g. "delivered m at index 3 (event #7)" */
    void delivered(DeliveryStream s, String messageId, String action) {
        if (s.isConsistent())
            agrees(s, s.stateLength(), messageId, s.id() + " " + action, s.id().toString(), s::contains);
    }

    /** @param what names the snapshot, e.g. "the snapshot b#1 installed at index 5 (event #9)" */
    void installed(DeliveryStream s, List<String> snapshot, Set<String> listed, String what) {
        if (!s.isConsistent())
            return;
        if (snapshot.size() < s.stateLength()) {
            s.markInconsistent();
            out.report(Property.UNIFORM_TOTAL_ORDER, what + " holds " + snapshot.size() + " messages, fewer than the "
                    + s.stateLength() + " " + s.id() + " had already applied");
            return;
        }
        for (int k = 0; k < snapshot.size(); k++)
            if (!agrees(s, k, snapshot.get(k), what + " lists " + snapshot.get(k), "the snapshot", listed::contains))
                return;
    }

    /** @param holder and {@code holds} tell whether the subject of {@code what} has the expected message at all */
    private boolean agrees(DeliveryStream s, int k, String messageId, String what, String holder,
                           Predicate<String> holds) {
        if (k == messages.size()) {
            messages.add(messageId);
            fixedBy.add(s.id());
            numberOf.putIfAbsent(messageId, k);
            return true;
        }
        String expected = messages.get(k);
        if (expected.equals(messageId))
            return true;
        s.markInconsistent();
        Integer number = numberOf.get(messageId);
        out.report(Property.UNIFORM_TOTAL_ORDER, what + " as message number " + (k + 1) + " of its state, but number "
                + (k + 1) + " is " + expected + " (" + global.describeIndexOf(expected) + ") for " + fixedBy.get(k)
                + ", the first life to get that far; " + (number == null ? messageId + " is not in the common sequence"
                        : "in the common sequence " + messageId + " is number " + (number + 1))
                + ", and " + holder + (holds.test(expected) ? " has " + expected + " elsewhere"
                        : " lacks " + expected + " altogether"));
        return false;
    }
}
