package org.jgroups.abcast.sim;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import org.jgroups.abcast.sim.HistoryEvent.Delivered;
import org.jgroups.abcast.sim.HistoryEvent.SnapshotInstalled;
import org.jgroups.abcast.sim.HistoryEvent.Submitted;

/**
 * What all streams together say about the one global sequence, gathered before any stream is judged: a stream can
 * only be found to skip or misplace a message once every other stream's deliveries are known. The first delivery
 * seen at an index, and of a message, is the reference that later deliveries are compared with. Only submitted
 * application messages take part, so a phantom is reported once as such and does not also disturb the order checks.
 */
final class GlobalOrder {

    /** A delivery that serves as reference. */
    record Sighting(long index, String messageId, StreamId stream, int event) {
        @Override
        public String toString() {
            return stream + " delivered " + messageId + " at index " + index + " (event #" + event + ")";
        }
    }

    private final Set<String> submitted = new HashSet<>();
    private final NavigableMap<Long, Sighting> byIndex = new TreeMap<>();
    private final Map<String, Sighting> byMessage = new LinkedHashMap<>();
    private final Map<String, StreamId> inSnapshots = new LinkedHashMap<>();

    static GlobalOrder of(List<HistoryEvent> events) {
        GlobalOrder order = new GlobalOrder();
        // Submissions first: a delivery recorded before its submission is odd timing, not a phantom.
        for (HistoryEvent e : events)
            if (e instanceof Submitted s)
                order.submitted.add(s.messageId());
        for (int i = 0; i < events.size(); i++) {
            HistoryEvent e = events.get(i);
            if (e instanceof Delivered d && order.isApplicationMessage(d.messageId()))
                order.sight(new Sighting(d.index(), d.messageId(), d.stream(), i));
            else if (e instanceof SnapshotInstalled s)
                for (String m : s.messages())
                    if (order.isApplicationMessage(m))
                        order.inSnapshots.putIfAbsent(m, s.stream());
        }
        return order;
    }

    private void sight(Sighting s) {
        Sighting known = byMessage.putIfAbsent(s.messageId(), s);
        // A copy of a message at a second index must not claim that index: the misplaced copy is the fault,
        // not whatever other streams correctly deliver there.
        if (known == null || known.index() == s.index())
            byIndex.putIfAbsent(s.index(), s);
    }

    static boolean isLogInternal(String content) {
        return content.startsWith("#");
    }

    boolean wasSubmitted(String messageId) {
        return submitted.contains(messageId);
    }

    boolean isApplicationMessage(String content) {
        return !isLogInternal(content) && wasSubmitted(content);
    }

    /** The reference delivery at {@code index}, or null if no stream delivered an application message there. */
    Sighting atIndex(long index) {
        return byIndex.get(index);
    }

    /** The reference delivery of {@code messageId}, or null if no stream delivered it individually. */
    Sighting ofMessage(String messageId) {
        return byMessage.get(messageId);
    }

    /** Reference deliveries strictly between two indices, in index order. */
    Collection<Sighting> between(long afterIndex, long beforeIndex) {
        return byIndex.subMap(afterIndex, false, beforeIndex, false).values();
    }

    /** Reference deliveries at indices up to and including {@code index}, in index order. */
    Collection<Sighting> upTo(long index) {
        return byIndex.headMap(index, true).values();
    }

    String describeIndexOf(String messageId) {
        Sighting s = byMessage.get(messageId);
        return s != null ? "index " + s.index() : "index known only from snapshots";
    }

    /** Every application message some stream applied, by delivery or snapshot, with where it was first seen. */
    void forEachApplied(BiConsumer<String, String> messageAndEvidence) {
        byMessage.forEach((m, s) -> messageAndEvidence.accept(m, s.toString()));
        inSnapshots.forEach((m, stream) -> {
            if (!byMessage.containsKey(m))
                messageAndEvidence.accept(m, "a snapshot installed by " + stream + " contained " + m);
        });
    }
}
