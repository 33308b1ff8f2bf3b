package org.jgroups.abcast.log;

/** An (index, term) pair, e.g. the last record removed by compaction. Index 0 / term 0 means "before the first record". */
public record LogPosition(long index, long term) {
    public static final LogPosition START = new LogPosition(0, 0);

    public LogPosition {
        if (index < 0 || term < 0)
            throw new IllegalArgumentException("index and term must be >= 0: " + index + "/" + term);
    }
}
