package org.jgroups.abcast.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Values keyed by log index. Logs are observed over and over, so lookups dominate the checker's time; indices are
 * dense from 1, so an array serves them without hashing or boxing. Odd indices (below 1, or beyond an int) are
 * not for the checker to reject, so a map takes them.
 */
final class ByLogIndex<T> {
    private final List<T> dense = new ArrayList<>();
    private final Map<Long, T> odd = new HashMap<>();

    T get(long index) {
        if (!isDense(index))
            return odd.get(index);
        return index < dense.size() ? dense.get((int) index) : null;
    }

    void put(long index, T value) {
        if (!isDense(index)) {
            odd.put(index, value);
            return;
        }
        while (dense.size() <= index)
            dense.add(null);
        dense.set((int) index, value);
    }

    private static boolean isDense(long index) {
        return index >= 1 && index < Integer.MAX_VALUE;
    }
}
