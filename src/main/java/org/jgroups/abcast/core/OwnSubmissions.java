package org.jgroups.abcast.core;

import java.util.ArrayList;
import java.util.List;

/**
 * This member's submissions that it has not yet seen committed. They are kept until their entry is applied, and
 * resent (in order) to every new leader and after a period without progress; the leader's session table drops the
 * copies it already has, so a resend never creates a duplicate. Pending sequences are always contiguous because
 * commits remove a prefix (FIFO per member), so they live in a ring buffer indexed by sequence: O(1) to add, to
 * drop the committed prefix and to find the first unsent one.
 */
final class OwnSubmissions {
    private byte[][] ring = new byte[256][];
    private int head;              // slot of the oldest pending submission (sequence firstPending)
    private int size;
    private long firstPending = 1; // sequence of the oldest pending submission; nextSequence when none is pending
    private long pendingBytes;
    /** The first sequence not yet handed to any leader. */
    private long firstUnsent = 1;

    long add(byte[] payload) {
        if (size == ring.length) grow();
        ring[(head + size) & (ring.length - 1)] = payload;
        size++;
        pendingBytes += payload.length;
        return firstPending + size - 1;
    }

    /** Our entry with this sequence was applied: it and everything before it are done. */
    void committedUpTo(long sequence) {
        while (size > 0 && firstPending <= sequence) {
            pendingBytes -= ring[head].length;
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            size--;
            firstPending++;
        }
    }

    int count() {
        return size;
    }

    long bytes() {
        return pendingBytes;
    }

    /** The oldest pending sequence, or the next one to be assigned if none is pending. */
    long oldestPending() {
        return firstPending;
    }

    private long nextSequence() {
        return firstPending + size;
    }

    boolean hasUnsent() {
        return firstUnsent < nextSequence();
    }

    /** Submissions never handed out yet; marks them handed out. */
    List<PeerMessage.Submission> takeUnsent() {
        return takeFrom(Math.max(firstUnsent, firstPending));
    }

    /** Every pending submission, for a resend; marks them handed out. */
    List<PeerMessage.Submission> takeAll() {
        return takeFrom(firstPending);
    }

    private List<PeerMessage.Submission> takeFrom(long fromSequence) {
        int first = (int) (fromSequence - firstPending);
        List<PeerMessage.Submission> out = new ArrayList<>(Math.max(0, size - first));
        for (int i = first; i < size; i++)
            out.add(new PeerMessage.Submission(firstPending + i, ring[(head + i) & (ring.length - 1)]));
        firstUnsent = nextSequence();
        return out;
    }

    private void grow() {
        byte[][] bigger = new byte[ring.length * 2][];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
    }
}
