package org.jgroups.abcast.core;

/**
 * The most recent durable entries, kept in memory so that delivering and replicating what was just written does not
 * read it back from storage. Entries not yet applied are kept (they are about to be delivered; their number is bounded
 * by the members' in-flight windows, and capped at 8 times the budget); applied ones only up to a byte budget, oldest
 * evicted first. A small budget keeps the live set, and with it the cost of every young collection, small.
 *
 * <p>Holds a contiguous index range; a ring buffer gives O(1) access by index, append at the end, eviction at the
 * front and truncation at the end. The first index and each entry's size are kept beside the ring, so that
 * bookkeeping never touches the (cold) entries themselves.
 */
final class EntryCache {
    private final long maxBytes;
    private Entry[] ring = new Entry[1024];
    private int[] sizes = new int[1024];
    private int head;      // slot of the first entry
    private int size;
    private long first;    // index of the first entry (valid when size > 0)
    private long bytes;

    EntryCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** First cached index, or -1 if empty. */
    long firstIndex() {
        return size == 0 ? -1 : first;
    }

    long lastIndex() {
        return size == 0 ? -1 : first + size - 1;
    }

    boolean contains(long index) {
        return size > 0 && index >= first && index < first + size;
    }

    Entry get(long index) {
        return ring[(int) ((head + (index - first)) & (ring.length - 1))];
    }

    /**
     * Appends an entry that must directly follow the last one (otherwise the cache restarts at it). Entries from
     * keepFrom on are never evicted.
     */
    void add(Entry e, long keepFrom) {
        if (size > 0 && e.index() != first + size) clear();
        if (size == ring.length) grow();
        if (size == 0) first = e.index();
        int slot = (head + size) & (ring.length - 1);
        int n = e.sizeEstimate();
        ring[slot] = e;
        sizes[slot] = n;
        size++;
        bytes += n;
        trim(keepFrom);
    }

    /**
     * Evicts the oldest entries below keepFrom while over the budget, and any oldest ones beyond 16 times the budget (a
     * member replaying a long history after a restart must not hold everything that arrives meanwhile). 16 x 4 MB
     * covers what a 3-member benchmark keeps in flight at 10 KB (3 x 16 MB): with 8 x, the leader evicted unapplied
     * entries and read them back from the log (with direct I/O, from the device), 15 % of its CPU.
     */
    void trim(long keepFrom) {
        while (size > 1 && (bytes > maxBytes && first < keepFrom || bytes > 16 * maxBytes)) removeFirst();
    }

    /** Drops every entry with index >= from. */
    void truncateFrom(long from) {
        while (size > 0 && first + size - 1 >= from) {
            int slot = (head + size - 1) & (ring.length - 1);
            bytes -= sizes[slot];
            ring[slot] = null;
            size--;
        }
    }

    void clear() {
        while (size > 0) removeFirst();
        head = 0;
    }

    private void removeFirst() {
        bytes -= sizes[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        first++;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        int[] biggerSizes = new int[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
            biggerSizes[i] = sizes[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        sizes = biggerSizes;
        head = 0;
    }
}
