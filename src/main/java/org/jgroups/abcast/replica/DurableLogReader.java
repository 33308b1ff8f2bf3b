package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Entry;
import org.jgroups.abcast.core.LogReader;
import org.jgroups.abcast.core.WireFormat;
import org.jgroups.abcast.log.LogRecord;
import org.jgroups.abcast.log.SegmentedLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's read view of the durable log. Reads run on the event loop while the log's writer thread appends; the
 * segmented log supports that. An I/O error while reading is a broken invariant for the engine: it is rethrown
 * unchecked and stops the replica loudly.
 */
final class DurableLogReader implements LogReader {
    private final SegmentedLog log;

    DurableLogReader(SegmentedLog log) {
        this.log = log;
    }

    @Override
    public long snapshotIndex() {
        return log.compactionPoint().index();
    }

    @Override
    public long snapshotTerm() {
        return log.compactionPoint().term();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long term(long index) {
        return log.termAt(index);
    }

    @Override
    public List<Entry> entries(long from, long toInclusive, long maxBytes) {
        try {
            List<LogRecord> records = log.read(from, toInclusive, maxBytes);
            List<Entry> out = new ArrayList<>(records.size());
            for (LogRecord r : records) out.add(WireFormat.decodeEntryBody(r.index(), r.term(), r.payload()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("reading entries " + from + ".." + toInclusive + " from " + log, e);
        }
    }

    static LogRecord toRecord(Entry e) {
        return new LogRecord(e.index(), e.term(), WireFormat.encodeEntryBody(e));
    }
}
