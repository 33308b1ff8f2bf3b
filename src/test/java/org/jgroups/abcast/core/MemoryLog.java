package org.jgroups.abcast.core;

import java.util.ArrayList;
import java.util.List;

/** An in-memory {@link LogReader} that applies writes immediately: enough for unit tests of the engine. */
final class MemoryLog implements LogReader {
    final List<Entry> entries = new ArrayList<>();
    HardState hardState = HardState.INITIAL;

    static MemoryLog bootstrapped(Configuration config) {
        MemoryLog m = new MemoryLog();
        m.entries.add(Entry.config(1, 1, "bootstrap", config));
        m.hardState = new HardState(1, null);
        return m;
    }

    void apply(LogWrite w) {
        int keep = (int) (w.fromIndex() - 1);
        while (entries.size() > keep) entries.remove(entries.size() - 1);
        entries.addAll(w.entries());
    }

    @Override
    public long snapshotIndex() {
        return 0;
    }

    @Override
    public long snapshotTerm() {
        return 0;
    }

    @Override
    public long lastIndex() {
        return entries.size();
    }

    @Override
    public long term(long index) {
        return entries.get((int) index - 1).term();
    }

    @Override
    public List<Entry> entries(long from, long toInclusive, long maxBytes) {
        return new ArrayList<>(entries.subList((int) from - 1, (int) toInclusive));
    }
}
