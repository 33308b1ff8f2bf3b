package org.jgroups.abcast.log;

import java.nio.file.Path;

/**
 * A log segment is damaged somewhere other than at its very end (where a crash can legitimately leave a torn
 * write), so the log cannot be trusted. The message names the file, the byte offset and the record index and
 * tells the operator what to do.
 */
public class LogCorruptedException extends StorageCorruptedException {
    static final String OPERATOR_ACTION = "Operator action: stop this member, move its data directory aside "
      + "(keep it for analysis) and restart the member with an empty data directory; it will recover the history "
      + "from its peers.";

    private final Path file;
    private final long offset;
    private final long index;

    public LogCorruptedException(Path file, long offset, long index, String problem) {
        super(String.format("Log segment %s is corrupt at byte offset %d (record index %d): %s. %s",
                            file, offset, index, problem, OPERATOR_ACTION));
        this.file = file;
        this.offset = offset;
        this.index = index;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public long index() {
        return index;
    }
}
