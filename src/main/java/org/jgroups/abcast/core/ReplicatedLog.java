package org.jgroups.abcast.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The engine's view of its log: the durable part lives in storage (read through {@link LogReader}), the part whose
 * write has not been confirmed yet is held here in memory ("unstable", as in etcd raft). Writes to perform are queued
 * for the next {@link Ready}. Also tracks the configuration history, because the configuration in force is the newest
 * CONFIG entry in the log, committed or not, and a truncation can take it back.
 *
 * <p>Invariant: unstable entries, if any, start at stableIndex + 1; every index <= stableIndex is readable from
 * storage; no write ever touches an index <= stableIndex without first lowering stableIndex.
 */
final class ReplicatedLog {
    private final LogReader store;
    private long stableIndex;
    private final ArrayList<Entry> unstable = new ArrayList<>();
    /**
     * Recently stabilized entries (indices <= stableIndex), so fresh entries are not read back from storage: all those
     * not yet applied, plus applied ones up to a byte budget.
     */
    private final EntryCache recent;
    /** Writes to hand out at the next Ready, built in place: appends extend the last one without copying. */
    private final List<PendingWrite> pendingWrites = new ArrayList<>();

    private record PendingWrite(long fromIndex, ArrayList<Entry> entries) {
    }
    private long commitIndex;
    private long appliedIndex;
    private long baseIndex;   // snapshot index: entries start at baseIndex + 1
    private long baseTerm;
    private Configuration baseConfig;
    private final NavigableMap<Long, Configuration> configs = new TreeMap<>(); // CONFIG entries above baseIndex

    ReplicatedLog(LogReader store, SnapshotMeta snapshot, long scanChunkBytes, long cacheBytes) {
        this.store = store;
        this.recent = new EntryCache(cacheBytes);
        if (store.snapshotIndex() != snapshot.index())
            throw new IllegalStateException("storage starts after index " + store.snapshotIndex()
                                            + " but the snapshot is at " + snapshot.index());
        this.baseIndex = snapshot.index();
        this.baseTerm = snapshot.term();
        this.baseConfig = snapshot.config();
        this.stableIndex = store.lastIndex();
        this.commitIndex = baseIndex;
        this.appliedIndex = baseIndex;
        // Rebuild the configuration history: a one-off scan at start (see docs/design.md, known limits).
        for (long i = baseIndex + 1; i <= stableIndex; ) {
            List<Entry> chunk = store.entries(i, stableIndex, scanChunkBytes);
            for (Entry e : chunk) {
                if (e.index() != i) throw new IllegalStateException("storage returned " + e + " for index " + i);
                if (e.type() == EntryType.CONFIG) configs.put(e.index(), e.configuration());
                i++;
            }
        }
    }

    long firstIndex() {
        return Math.max(baseIndex, store.snapshotIndex()) + 1;
    }

    long lastIndex() {
        return unstable.isEmpty() ? stableIndex : unstable.get(unstable.size() - 1).index();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long stableIndex() {
        return stableIndex;
    }

    long commitIndex() {
        return commitIndex;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /** The term of the entry at index, 0 for index 0, or -1 if unknown (beyond the end or compacted away). */
    long term(long index) {
        if (index > lastIndex() || index < 0) return -1;
        if (index > stableIndex) return unstable.get((int) (index - stableIndex - 1)).term();
        long snap = store.snapshotIndex();
        long base = firstIndex() - 1;
        if (index < base) return -1;
        if (index == base) return base == snap ? store.snapshotTerm() : baseTerm;
        if (recent.contains(index)) return recent.get(index).term();
        return store.term(index);
    }

    boolean matches(long index, long term) {
        return term(index) == term;
    }

    /** Entries in [from, to], at most about maxBytes (at least one). */
    List<Entry> entries(long from, long to, long maxBytes) {
        if (from > to) return new ArrayList<>();
        // sized for the range, or for what maxBytes admits of small entries if that is fewer
        List<Entry> out = new ArrayList<>((int) Math.min(to - from + 1, Math.min(16384, maxBytes / 256 + 1)));
        if (from < firstIndex()) throw new IllegalStateException("entry " + from + " was compacted");
        long bytes = 0;
        if (from <= stableIndex && recent.contains(from)) {
            long cachedTo = Math.min(to, recent.lastIndex());
            for (long i = from; i <= cachedTo; i++) {
                Entry e = recent.get(i);
                if (!out.isEmpty() && bytes + e.sizeEstimate() > maxBytes) return out;
                out.add(e);
                bytes += e.sizeEstimate();
            }
            from = cachedTo + 1;
            if (from > to) return out;
        }
        if (from <= stableIndex) {
            long storeTo = Math.min(to, stableIndex);
            for (Entry e : store.entries(from, storeTo, maxBytes)) {
                out.add(e);
                bytes += e.sizeEstimate();
            }
            if (out.isEmpty() || out.get(out.size() - 1).index() < storeTo || bytes >= maxBytes) return out;
            from = storeTo + 1;
        }
        for (long i = from; i <= to; i++) {
            Entry e = unstable.get((int) (i - stableIndex - 1));
            if (!out.isEmpty() && bytes + e.sizeEstimate() > maxBytes) break;
            out.add(e);
            bytes += e.sizeEstimate();
        }
        return out;
    }

    /** Appends entries that continue the log (leader path, or follower path after a consistency check). */
    void append(List<Entry> entries) {
        if (entries.isEmpty()) return;
        long expected = lastIndex() + 1;
        if (entries.get(0).index() != expected)
            throw new IllegalStateException("append at " + entries.get(0).index() + " but log ends at " + (expected - 1));
        writeFrom(expected, entries);
    }

    /**
     * Follower path: entries follow a position already verified to match the leader. Skips entries already present,
     * truncates at the first conflicting entry, appends the rest.
     */
    void appendVerified(List<Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.index() <= lastIndex() && term(e.index()) == e.term()) continue;
            writeFrom(e.index(), entries.subList(i, entries.size()));
            break;
        }
    }

    private void writeFrom(long from, List<Entry> entries) {
        if (from <= lastIndex()) {
            if (from <= commitIndex)
                throw new IllegalStateException("truncating committed entry " + from + " (commit " + commitIndex + ")");
            configs.tailMap(from, true).clear();
            recent.truncateFrom(from);
            if (from <= stableIndex) {
                stableIndex = from - 1;
                unstable.clear();
            } else {
                unstable.subList((int) (from - stableIndex - 1), unstable.size()).clear();
            }
        }
        for (Entry e : entries) {
            unstable.add(e);
            if (e.type() == EntryType.CONFIG) configs.put(e.index(), e.configuration());
        }
        PendingWrite last = pendingWrites.isEmpty() ? null : pendingWrites.get(pendingWrites.size() - 1);
        if (last != null && last.fromIndex() + last.entries().size() == from) last.entries().addAll(entries);
        else pendingWrites.add(new PendingWrite(from, new ArrayList<>(entries)));
    }

    /** Storage reports everything up to (index, term) durable; ignored if the log changed there since. */
    boolean stableTo(long index, long term) {
        if (index <= stableIndex || index > lastIndex() || term(index) != term) return false;
        List<Entry> nowStable = unstable.subList(0, (int) (index - stableIndex));
        for (Entry e : nowStable) recent.add(e, appliedIndex + 1);
        nowStable.clear();
        stableIndex = index;
        return true;
    }

    void commitTo(long index) {
        if (index > lastIndex()) throw new IllegalStateException("commit " + index + " beyond last " + lastIndex());
        if (index > commitIndex) commitIndex = index;
    }

    void appliedTo(long index, boolean beyondCommitAllowed) {
        if (index > commitIndex && !beyondCommitAllowed)
            throw new IllegalStateException("apply " + index + " beyond commit " + commitIndex);
        appliedIndex = index;
        recent.trim(appliedIndex + 1);
    }

    /** Replaces the whole log with a snapshot (follower install). */
    void resetTo(SnapshotMeta snapshot) {
        unstable.clear();
        recent.clear();
        configs.clear();
        baseIndex = snapshot.index();
        baseTerm = snapshot.term();
        baseConfig = snapshot.config();
        stableIndex = snapshot.index();
        commitIndex = Math.max(commitIndex, snapshot.index());
        appliedIndex = snapshot.index();
        pendingWrites.clear();
    }

    List<LogWrite> takeWrites() {
        if (pendingWrites.isEmpty()) return List.of();
        List<LogWrite> w = new ArrayList<>(pendingWrites.size());
        for (PendingWrite p : pendingWrites) w.add(new LogWrite(p.fromIndex(), p.entries()));
        pendingWrites.clear();
        return w;
    }

    /** The configuration in force: the newest CONFIG entry in the log, else the snapshot's. */
    Configuration config() {
        Map.Entry<Long, Configuration> last = configs.lastEntry();
        return last != null ? last.getValue() : baseConfig;
    }

    /** The configuration in force at index (the newest CONFIG entry at or below it). */
    Configuration configAt(long index) {
        Map.Entry<Long, Configuration> e = configs.floorEntry(index);
        return e != null ? e.getValue() : baseConfig;
    }

    /** Index of the newest CONFIG entry (0 if it comes from the snapshot or there is none). */
    long configIndex() {
        Map.Entry<Long, Configuration> last = configs.lastEntry();
        return last != null ? last.getKey() : baseIndex;
    }

    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long myTerm = lastTerm();
        return otherLastTerm > myTerm || (otherLastTerm == myTerm && otherLastIndex >= lastIndex());
    }

    /**
     * Where a leader should probe after this follower rejected prevIndex with prevTerm: the highest index <= the
     * rejected one whose term is <= prevTerm (entries of a higher term there cannot match the leader's).
     */
    long probeHint(long rejectedIndex, long leaderPrevTerm) {
        long i = Math.min(rejectedIndex, lastIndex());
        long floor = firstIndex() - 1;
        while (i > floor) {
            long t = term(i);
            if (t >= 0 && t <= leaderPrevTerm) break;
            i--;
        }
        return Math.max(i, 0);
    }
}
