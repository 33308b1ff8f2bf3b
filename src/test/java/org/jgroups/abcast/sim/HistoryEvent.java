package org.jgroups.abcast.sim;

import java.util.List;
import java.util.Set;

/** One recorded call on {@link History}. Its position in the history is its time, shown as {@code event #n}. */
sealed interface HistoryEvent {

    /** An event that happened in one delivery stream (a member's process life). */
    sealed interface OfStream extends HistoryEvent {
        StreamId stream();
    }

    record Submitted(StreamId stream, String messageId) implements OfStream {}

    record ReportedCommitted(StreamId stream, String messageId, long index) implements OfStream {}

    record Delivered(StreamId stream, long index, String messageId) implements OfStream {}

    record SnapshotInstalled(StreamId stream, long index, List<String> messages) implements OfStream {}

    record Crashed(StreamId stream) implements OfStream {}

    record DiskWiped(String member) implements HistoryEvent {}

    record BecameLeader(String member, long term, List<LoggedEntry> log) implements HistoryEvent {}

    record LogObserved(String member, List<LoggedEntry> log) implements HistoryEvent {}

    record Finished(Set<String> correctMembers) implements HistoryEvent {}
}
