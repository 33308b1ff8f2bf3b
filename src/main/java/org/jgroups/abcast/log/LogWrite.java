package org.jgroups.abcast.log;

import java.util.List;

/**
 * One request to the {@link GroupCommitLog}: delete every record with index >= {@code fromIndex}, then append
 * {@code records}, which start at {@code fromIndex}. A pure append has {@code fromIndex = lastIndex + 1}; an empty
 * {@code records} list is a pure truncation.
 */
public record LogWrite(long fromIndex, List<LogRecord> records) {
    public LogWrite {
        records = List.copyOf(records);
        if (fromIndex < 1)
            throw new IllegalArgumentException("fromIndex must be >= 1: " + fromIndex);
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).index() != fromIndex + i)
                throw new IllegalArgumentException("record " + i + " should have index " + (fromIndex + i) + ": "
                                                     + records.get(i));
        }
    }

    /** Appends {@code records} (at least one) at their own indices. */
    public static LogWrite append(List<LogRecord> records) {
        if (records.isEmpty())
            throw new IllegalArgumentException("an append needs at least one record");
        return new LogWrite(records.get(0).index(), records);
    }

    /** The index of the last record this write leaves in the log. */
    public long lastIndex() {
        return fromIndex + records.size() - 1;
    }

    /** Serialized size, counted against {@link GroupCommitOptions#maxPendingBytes()}. */
    public long bytes() {
        long n = 0;
        for (LogRecord r : records)
            n += FrameCodec.frameSize(r);
        return n;
    }
}
