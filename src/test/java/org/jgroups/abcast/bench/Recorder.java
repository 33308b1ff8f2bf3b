package org.jgroups.abcast.bench;

import org.HdrHistogram.Histogram;

import java.util.concurrent.Semaphore;

/**
 * A member's view of what it delivered: totals, per-sender FIFO check (no gap, no duplicate), an order digest over
 * the whole delivery sequence (equal digests at two members mean equal sequences), and the latency of the member's
 * own messages from send to delivery here. Deliveries may arrive on several threads (unordered systems), hence the
 * lock; it is uncontended in the ordered systems.
 */
final class Recorder {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L, FNV_PRIME = 0x100000001b3L;

    private final int self;
    private final long[] nextSeq;
    private long delivered, fifoViolations, foreign, digest = FNV_OFFSET;
    private boolean recording;
    private final Histogram latency = new Histogram(3_600_000_000_000L, 3); // ns, up to one hour
    private long windowStartDelivered, windowStartNanos, ownInWindow;
    private volatile Semaphore window = new Semaphore(Integer.MAX_VALUE / 2);
    private final boolean ownOnDelivery;

    /**
     * @param ownOnDelivery true: a member's own message is complete when delivered here (every system but
     *                      jgroups-raft); false: when the system says so through {@link #ownCompleted}
     */
    Recorder(int self, int members, boolean ownOnDelivery) {
        this.self = self;
        this.ownOnDelivery = ownOnDelivery;
        this.nextSeq = new long[members];
        java.util.Arrays.fill(nextSeq, 1);
    }

    /** Called for every delivered message, on whatever thread the system delivers on. */
    void deliver(byte[] buf, int off, int len) {
        long now = System.nanoTime();
        boolean own;
        synchronized (this) {
            if (len < Payload.HEADER) {
                foreign++;
                return;
            }
            int sender = Payload.sender(buf, off);
            if (sender < 0 || sender >= nextSeq.length) {
                foreign++;
                return;
            }
            long seq = Payload.seq(buf, off);
            if (seq != nextSeq[sender]) fifoViolations++;
            nextSeq[sender] = Math.max(nextSeq[sender], seq + 1);
            delivered++;
            long key = ((long) sender << 48) ^ seq;
            for (int i = 0; i < 8; i++) {
                digest ^= (key >>> (8 * i)) & 0xff;
                digest *= FNV_PRIME;
            }
            own = ownOnDelivery && sender == self;
            if (own) recordOwn(now - Payload.sendNanos(buf, off));
        }
        if (own) window.release();
    }

    /** A message of this member completed (systems whose completion is not the local delivery). */
    void ownCompleted(long sendNanos) {
        long now = System.nanoTime();
        synchronized (this) {
            recordOwn(now - sendNanos);
        }
        window.release();
    }

    private void recordOwn(long lat) {
        if (!recording) return;
        latency.recordValue(Math.max(0, Math.min(lat, latency.getHighestTrackableValue())));
        ownInWindow++;
    }

    /** Installs a fresh in-flight window; only valid when none of this member's messages is in flight. */
    void newWindow(int permits) {
        window = new Semaphore(permits);
    }

    Semaphore window() {
        return window;
    }

    synchronized void beginMeasurement() {
        latency.reset();
        ownInWindow = 0;
        windowStartDelivered = delivered;
        windowStartNanos = System.nanoTime();
        recording = true;
    }

    /** Ends the measurement window: {delivered in window, window nanos, own latencies recorded} plus the histogram. */
    synchronized Measurement endMeasurement() {
        recording = false;
        return new Measurement(delivered - windowStartDelivered, System.nanoTime() - windowStartNanos, ownInWindow,
                               latency.copy());
    }

    synchronized long delivered() {
        return delivered;
    }

    synchronized String summary() {
        return Control.line("DRAINED", "delivered", delivered, "digest", Long.toHexString(digest), "fifo_violations",
                            fifoViolations, "foreign", foreign);
    }

    record Measurement(long delivered, long nanos, long own, Histogram latency) {
    }
}
