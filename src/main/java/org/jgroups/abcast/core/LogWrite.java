package org.jgroups.abcast.core;

import java.util.List;

/**
 * A write the adapter must apply to durable storage, in the order the engine emitted it: delete every entry with index
 * >= {@code fromIndex}, then append {@code entries} (which start at {@code fromIndex}). A plain append has
 * fromIndex = last index + 1, so the delete is empty.
 */
public record LogWrite(long fromIndex, List<Entry> entries) {
    public LogWrite {
        entries = List.copyOf(entries);
        if (!entries.isEmpty() && entries.get(0).index() != fromIndex)
            throw new IllegalArgumentException("entries must start at " + fromIndex + ": " + entries.get(0));
    }

    public Entry last() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }
}
