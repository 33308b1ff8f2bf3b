package org.jgroups.abcast.sim;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jgroups.abcast.sim.HistoryEvent.BecameLeader;
import org.jgroups.abcast.sim.HistoryEvent.Crashed;
import org.jgroups.abcast.sim.HistoryEvent.Delivered;
import org.jgroups.abcast.sim.HistoryEvent.DiskWiped;
import org.jgroups.abcast.sim.HistoryEvent.Finished;
import org.jgroups.abcast.sim.HistoryEvent.LogObserved;
import org.jgroups.abcast.sim.HistoryEvent.ReportedCommitted;
import org.jgroups.abcast.sim.HistoryEvent.SnapshotInstalled;
import org.jgroups.abcast.sim.HistoryEvent.Submitted;

/**
 * What a simulation run did, as seen from outside the implementation, in the order it happened. It only records;
 * {@link HistoryChecker} judges. A run records up to ~100k events, so each is one small immutable value.
 */
public final class History {
    private final List<HistoryEvent> events = new ArrayList<>();
    // All events of one stream share a single StreamId instead of each carrying its own.
    private final Map<StreamId, StreamId> streams = new HashMap<>();

    public void submitted(String member, int processLife, String messageId) {
        record(new Submitted(stream(member, processLife), requireNonNull(messageId)));
    }

    /** The submitter was told its message is committed at {@code index}. */
    public void reportedCommitted(String member, int processLife, String messageId, long index) {
        record(new ReportedCommitted(stream(member, processLife), requireNonNull(messageId), index));
    }

    public void delivered(String member, int processLife, long index, String messageId) {
        record(new Delivered(stream(member, processLife), index, requireNonNull(messageId)));
    }

    /** The application state now reflects exactly {@code messagesUpTo}, in order: the messages up to {@code index}. */
    public void snapshotInstalled(String member, int processLife, long index, List<String> messagesUpTo) {
        // copyOf keeps what was installed even if the caller reuses its list, and does not copy an immutable one.
        record(new SnapshotInstalled(stream(member, processLife), index, List.copyOf(messagesUpTo)));
    }

    public void crashed(String member, int processLife) {
        record(new Crashed(stream(member, processLife)));
    }

    public void diskWiped(String member) {
        record(new DiskWiped(requireNonNull(member)));
    }

    /** {@code logAtElection}: the entries above the leader's snapshot point, starting at its first entry's index. */
    public void becameLeader(String member, long term, List<LoggedEntry> logAtElection) {
        record(new BecameLeader(requireNonNull(member), term, List.copyOf(logAtElection)));
    }

    /** A checkpoint of a member's log, which may start after a compacted prefix. */
    public void logObserved(String member, List<LoggedEntry> log) {
        record(new LogObserved(requireNonNull(member), List.copyOf(log)));
    }

    /** End of run: the simulator names the members that are correct; each one's last process life is judged. */
    public void finished(Set<String> correctMembers) {
        record(new Finished(Set.copyOf(correctMembers)));
    }

    List<HistoryEvent> events() {
        return Collections.unmodifiableList(events);
    }

    private void record(HistoryEvent event) {
        events.add(event);
    }

    private StreamId stream(String member, int processLife) {
        StreamId id = new StreamId(requireNonNull(member), processLife);
        StreamId known = streams.putIfAbsent(id, id);
        return known != null ? known : id;
    }
}
