package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One delivery stream as replayed so far: how far it got in the global order, how long its application state is,
 * and which messages it applied. The latter is only needed while the life runs and, for the last lives of correct
 * members, at the end, so it is {@linkplain #release() released} when the life crashes.
 */
final class DeliveryStream {
    /** A snapshot this life installed: its messages have unknown indices, but none above {@code index}. */
    private record Snapshot(long index, Set<String> messages) {}

    private final StreamId id;
    private long position; // highest index reached by a delivery or a snapshot
    private int stateLength; // number of messages its application state holds
    private Map<String, Long> deliveredAt = new HashMap<>();
    private List<Snapshot> snapshots = new ArrayList<>();
    private boolean consistent = true;

    DeliveryStream(StreamId id) {
        this.id = id;
    }

    StreamId id() {
        return id;
    }

    long position() {
        return position;
    }

    int stateLength() {
        return stateLength;
    }

    boolean contains(String messageId) {
        return deliveredAt.containsKey(messageId) || snapshotBound(messageId) != null;
    }

    /** The index at which this life delivered the message, or null. */
    Long deliveredAt(String messageId) {
        return deliveredAt.get(messageId);
    }

    /** The index of the first snapshot of this life that contained the message, or null. */
    Long snapshotBound(String messageId) {
        for (Snapshot s : snapshots)
            if (s.messages().contains(messageId))
                return s.index();
        return null;
    }

    /** False once a violation was found in this stream, so later cross-stream checks do not blame others for it. */
    boolean isConsistent() {
        return consistent;
    }

    void markInconsistent() {
        consistent = false;
    }

    void deliver(long index, String messageId) {
        deliveredAt.put(messageId, index);
        position = Math.max(position, index);
        stateLength++;
    }

    /** A snapshot replaces the application state by exactly its messages. */
    void install(long snapshotIndex, Set<String> messages) {
        snapshots.add(new Snapshot(snapshotIndex, messages));
        position = Math.max(position, snapshotIndex);
        stateLength = messages.size();
    }

    /** A crashed life applies nothing more, and is never a correct member's last life: forget its contents. */
    void release() {
        deliveredAt = new HashMap<>();
        snapshots = new ArrayList<>();
    }

    String describePosition() {
        return position == 0 ? "the start of its life" : "index " + position;
    }

    String describeHowApplied(String messageId) {
        Long at = deliveredAt.get(messageId);
        return at != null ? "delivered it at index " + at
                : "got it through its snapshot at index " + snapshotBound(messageId);
    }

    String describeAsLastLife() {
        return id + ", the last life of correct member " + id.member() + ",";
    }
}
