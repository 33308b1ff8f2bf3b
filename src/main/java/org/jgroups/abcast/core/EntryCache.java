package org.jgroups.abcast.core;

/**
 * The most recent durable entries, kept in memory up to a byte budget so that delivering and replicating what was
 * just written does not read it back from storage. Holds a contiguous index range; a ring buffer gives O(1) access by
 * index, append at the end, eviction at the front and truncation at the end.
 */
final class EntryCache {
    private final long maxBytes;
    private Entry[] ring = new Entry[1024];
    private int head;      // slot of the first entry
    private int size;
    private long bytes;

    EntryCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** First cached index, or -1 if empty. */
    long firstIndex() {
        return size == 0 ? -1 : ring[head].index();
    }

    long lastIndex() {
        return size == 0 ? -1 : ring[(head + size - 1) & (ring.length - 1)].index();
    }

    boolean contains(long index) {
        return size > 0 && index >= firstIndex() && index <= lastIndex();
    }

    Entry get(long index) {
        return ring[(int) ((head + (index - firstIndex())) & (ring.length - 1))];
    }

    /** Appends an entry that must directly follow the last one (otherwise the cache restarts at it). */
    void add(Entry e) {
        if (size > 0 && e.index() != lastIndex() + 1) clear();
        if (size == ring.length) grow();
        ring[(head + size) & (ring.length - 1)] = e;
        size++;
        bytes += e.sizeEstimate();
        while (bytes > maxBytes && size > 1) removeFirst();
    }

    /** Drops every entry with index >= from. */
    void truncateFrom(long from) {
        while (size > 0 && lastIndex() >= from) {
            int slot = (head + size - 1) & (ring.length - 1);
            bytes -= ring[slot].sizeEstimate();
            ring[slot] = null;
            size--;
        }
    }

    void clear() {
        while (size > 0) removeFirst();
        head = 0;
    }

    private void removeFirst() {
        bytes -= ring[head].sizeEstimate();
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
    }

    private void grow() {
        Entry[] bigger = new Entry[ring.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) & (ring.length - 1)];
        ring = bigger;
        head = 0;
    }
}
