package org.jgroups.abcast.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Records whose payload is derived from (index, term), so any record read back can be checked on its own. */
final class TestRecords {
    private TestRecords() {
    }

    static LogRecord record(long index, long term) {
        return new LogRecord(index, term, payload(index, term, 200));
    }

    static LogRecord record(long index, long term, int maxLength) {
        return new LogRecord(index, term, payload(index, term, maxLength));
    }

    static List<LogRecord> records(long from, long toInclusive, long term) {
        List<LogRecord> list = new ArrayList<>();
        for (long i = from; i <= toInclusive; i++)
            list.add(record(i, term));
        return list;
    }

    /** Deterministic content: length in [0, maxLength), bytes from an xorshift generator seeded by index and term. */
    static byte[] payload(long index, long term, int maxLength) {
        long x = index * 0x9E3779B97F4A7C15L + term * 0xC2B2AE3D27D4EB4FL + 1;
        int length = (int) Math.floorMod(x ^ (x >>> 29), (long) maxLength);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    /** Whether {@code r}'s payload is the one {@link #record(long, long, int)} made for its index and term. */
    static boolean intact(LogRecord r, int maxLength) {
        return Arrays.equals(r.payload(), payload(r.index(), r.term(), maxLength));
    }
}
