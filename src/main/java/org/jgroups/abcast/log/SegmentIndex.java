package org.jgroups.abcast.log;

import java.util.Arrays;

/**
 * In-memory index of one segment: the byte offset of every record and the terms of its records (run-length
 * encoded, since terms change rarely). One writer thread adds entries and then publishes them; readers only ever
 * look at a published, immutable {@link View}, so they never see a record whose bytes are not completely written.
 * <p>
 * Views share arrays with the writer, which only writes slots beyond the published counts. Slots below them change
 * only in {@link #truncate}, which the log calls while holding its exclusive lock, i.e. with no reader present.
 */
final class SegmentIndex {
    /** A consistent snapshot: records [0, count) with offsets[i] = start of record i, offsets[count] = end. */
    record View(int[] offsets, int count, int[] runStarts, long[] runTerms, int runCount) {
        int offset(int local) {
            return offsets[local];
        }

        int end() {
            return offsets[count];
        }

        /** The term of record {@code local}, which must be in [0, count). */
        long term(int local) {
            int lo = 0, hi = runCount - 1; // find the last run starting at or before local
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (runStarts[mid] <= local)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            return runTerms[lo];
        }
    }

    private int[] offsets = new int[256];
    private int count;
    private int[] runStarts = new int[4];
    private long[] runTerms = new long[4];
    private int runCount;
    private volatile View view;

    SegmentIndex() {
        publish();
    }

    View view() {
        return view;
    }

    /** Records (unpublished) that the next record has {@code frameSize} bytes and {@code term}. */
    void add(int frameSize, long term) {
        if (count + 2 > offsets.length)
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        if (runCount == 0 || runTerms[runCount - 1] != term) {
            if (runCount == runStarts.length) {
                runStarts = Arrays.copyOf(runStarts, runCount * 2);
                runTerms = Arrays.copyOf(runTerms, runCount * 2);
            }
            runStarts[runCount] = count;
            runTerms[runCount++] = term;
        }
        offsets[count + 1] = offsets[count] + frameSize;
        count++;
    }

    /** Makes everything added so far visible to readers. */
    void publish() {
        view = new View(offsets, count, runStarts, runTerms, runCount);
    }

    /** Keeps only the first {@code newCount} records, and publishes. Only without concurrent readers. */
    void truncate(int newCount) {
        if (newCount < 0 || newCount > count)
            throw new IllegalArgumentException("cannot truncate " + count + " records to " + newCount);
        count = newCount;
        while (runCount > 0 && runStarts[runCount - 1] >= newCount)
            runCount--;
        publish();
    }

    /** The term of the last added record, or -1 if there is none. */
    long lastTerm() {
        return runCount == 0 ? -1 : runTerms[runCount - 1];
    }

    int count() {
        return count;
    }

    int end() {
        return offsets[count];
    }
}
