package org.jgroups.abcast.sim;

import org.jgroups.abcast.core.Entry;
import org.jgroups.abcast.core.HardState;
import org.jgroups.abcast.core.LogReader;
import org.jgroups.abcast.core.LogWrite;
import org.jgroups.abcast.core.SnapshotMeta;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A simulated disk with a page cache: writes land in the "written" image at once (what reads see) and reach the
 * "durable" image only when a simulated fsync completes. A crash keeps the durable image plus a random prefix of the
 * unforced writes (the last one possibly torn), exactly the freedom a real disk has.
 */
final class SimDisk implements LogReader {

    /** One write to the disk, applied in order. */
    sealed interface Op {
    }

    record Write(LogWrite write) implements Op {
    }

    /** Replace everything by a snapshot (follower snapshot install). */
    record Reset(SnapshotMeta meta, List<String> state) implements Op {
    }

    /** Drop the log prefix covered by a snapshot taken locally. */
    record Compact(SnapshotMeta meta, List<String> state) implements Op {
    }

    /** Snapshot plus the log after it. */
    static final class Image {
        SnapshotMeta snap = SnapshotMeta.NONE;
        List<String> snapState = List.of();
        ArrayList<Entry> entries = new ArrayList<>();

        Image copy() {
            Image i = new Image();
            i.snap = snap;
            i.snapState = snapState;
            i.entries = new ArrayList<>(entries);
            return i;
        }

        long lastIndex() {
            return snap.index() + entries.size();
        }

        long lastTerm() {
            return entries.isEmpty() ? snap.term() : entries.get(entries.size() - 1).term();
        }

        void apply(Op op) {
            if (op instanceof Write w) {
                long from = w.write().fromIndex();
                if (from <= snap.index()) throw new IllegalStateException("write at " + from + " below snapshot " + snap.index());
                int keep = (int) Math.min(entries.size(), from - snap.index() - 1);
                if (keep < entries.size()) entries.subList(keep, entries.size()).clear();
                if (lastIndex() + 1 != from && !w.write().entries().isEmpty())
                    throw new IllegalStateException("gap: log ends at " + lastIndex() + ", write starts at " + from);
                entries.addAll(w.write().entries());
            } else if (op instanceof Reset r) {
                snap = r.meta();
                snapState = r.state();
                entries = new ArrayList<>();
            } else if (op instanceof Compact c) {
                long drop = c.meta().index() - snap.index();
                if (drop <= 0) return;
                if (drop > entries.size()) throw new IllegalStateException("compacting beyond the log end");
                entries = new ArrayList<>(entries.subList((int) drop, entries.size()));
                snap = c.meta();
                snapState = c.state();
            }
        }
    }

    final String storageId;
    HardState hardState = HardState.INITIAL;
    private Image durable = new Image();
    private Image written = new Image();
    private final ArrayDeque<Op> unforced = new ArrayDeque<>();
    /** Number of unforced ops covered by the fsync in progress (0 = none in progress). */
    private int forcing;

    SimDisk(String storageId) {
        this.storageId = storageId;
    }

    /** A disk as prepared by bootstrapping a new cluster: one configuration entry at index 1, term 1. */
    static SimDisk bootstrapped(String storageId, Entry configEntry) {
        SimDisk d = new SimDisk(storageId);
        d.durable.entries.add(configEntry);
        d.written.entries.add(configEntry);
        d.hardState = new HardState(1, null);
        return d;
    }

    void write(Op op) {
        written.apply(op);
        unforced.addLast(op);
    }

    boolean hasUnforced() {
        return unforced.size() > forcing;
    }

    boolean forcing() {
        return forcing > 0;
    }

    /** Starts an fsync covering every write so far; returns the (index, term) it will report when done. */
    long[] startForce() {
        forcing = unforced.size();
        return new long[]{written.lastIndex(), written.lastTerm()};
    }

    void completeForce() {
        for (int i = 0; i < forcing; i++) durable.apply(unforced.pollFirst());
        forcing = 0;
    }

    /** Power loss: keeps a random prefix of the unforced writes, the last one possibly torn. Returns torn count. */
    int crash(Random rnd) {
        int survive = unforced.isEmpty() ? 0 : rnd.nextInt(unforced.size() + 1);
        int torn = 0;
        for (int i = 0; i < survive; i++) {
            Op op = unforced.pollFirst();
            if (i == survive - 1 && op instanceof Write w && w.write().entries().size() > 1 && rnd.nextBoolean()) {
                int k = 1 + rnd.nextInt(w.write().entries().size() - 1);
                op = new Write(new LogWrite(w.write().fromIndex(), w.write().entries().subList(0, k)));
                torn = 1;
            }
            durable.apply(op);
        }
        unforced.clear();
        forcing = 0;
        written = durable.copy();
        return torn;
    }

    Image image() {
        return written;
    }

    // ------------------------------------------------------------- LogReader over the written image

    @Override
    public long snapshotIndex() {
        return written.snap.index();
    }

    @Override
    public long snapshotTerm() {
        return written.snap.term();
    }

    @Override
    public long lastIndex() {
        return written.lastIndex();
    }

    @Override
    public long term(long index) {
        return entry(index).term();
    }

    private Entry entry(long index) {
        long pos = index - written.snap.index() - 1;
        if (pos < 0 || pos >= written.entries.size())
            throw new IllegalArgumentException("no entry " + index + " on disk " + storageId + " (snapshot "
                                               + written.snap.index() + ", last " + written.lastIndex() + ")");
        return written.entries.get((int) pos);
    }

    @Override
    public List<Entry> entries(long from, long toInclusive, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i <= toInclusive; i++) {
            Entry e = entry(i);
            if (!out.isEmpty() && bytes + e.sizeEstimate() > maxBytes) break;
            out.add(e);
            bytes += e.sizeEstimate();
        }
        return out;
    }
}
