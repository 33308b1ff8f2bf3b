package org.jgroups.abcast.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * This member's submissions that it has not yet seen committed. They are kept until their entry is applied, and
 * resent (in order) to every new leader and after a period without progress; the leader's session table drops the
 * copies it already has, so a resend never creates a duplicate. Pending sequences are always contiguous because
 * commits remove a prefix (FIFO per member).
 */
final class OwnSubmissions {
    private final NavigableMap<Long, byte[]> pending = new TreeMap<>();
    private long nextSequence = 1;
    private long pendingBytes;
    /** The first sequence not yet handed to any leader. */
    private long firstUnsent = 1;

    long add(byte[] payload) {
        long seq = nextSequence++;
        pending.put(seq, payload);
        pendingBytes += payload.length;
        return seq;
    }

    /** Our entry with this sequence was applied: it and everything before it are done. */
    void committedUpTo(long sequence) {
        NavigableMap<Long, byte[]> done = pending.headMap(sequence, true);
        for (byte[] p : done.values()) pendingBytes -= p.length;
        done.clear();
    }

    int count() {
        return pending.size();
    }

    long bytes() {
        return pendingBytes;
    }

    long oldestPending() {
        return pending.isEmpty() ? nextSequence : pending.firstKey();
    }

    boolean hasUnsent() {
        return firstUnsent < nextSequence;
    }

    /** Submissions never handed out yet; marks them handed out. */
    List<PeerMessage.Submission> takeUnsent() {
        return take(pending.tailMap(firstUnsent, true));
    }

    /** Every pending submission, for a resend; marks them handed out. */
    List<PeerMessage.Submission> takeAll() {
        return take(pending);
    }

    private List<PeerMessage.Submission> take(Map<Long, byte[]> range) {
        List<PeerMessage.Submission> out = new ArrayList<>(range.size());
        for (Map.Entry<Long, byte[]> e : range.entrySet())
            out.add(new PeerMessage.Submission(e.getKey(), e.getValue()));
        firstUnsent = nextSequence;
        return out;
    }
}
