package org.jgroups.abcast.bench;

import java.util.ArrayList;
import java.util.List;

/** The systems the benchmark compares, with how their deliveries are judged. */
public enum SystemKind {
    /** Stock JGroups TCP stack: reliable FIFO per sender, no total order. */
    PLAIN("plain", false),
    /** Stock TCP stack plus SEQUENCER: total order, in memory, not uniform. */
    SEQUENCER("sequencer", true),
    /** jgroups-raft RAFT with FileBasedLog and fsync on, its own JGroups version, driven asynchronously. */
    RAFT("jgroups-raft", true),
    /** ABCAST (stacks/abcast-tcp.xml) with the product default: fsync on. */
    ABCAST_FSYNC("abcast-fsync", true),
    /** ABCAST with fsync off. */
    ABCAST_NOFSYNC("abcast-nofsync", true);

    /** Name used on the command line, in output lines and files. */
    public final String id;
    /** Whether every member must deliver the same sequence (checked by comparing order digests). */
    public final boolean totalOrder;

    SystemKind(String id, boolean totalOrder) {
        this.id = id;
        this.totalOrder = totalOrder;
    }

    public boolean isAbcast() {
        return this == ABCAST_FSYNC || this == ABCAST_NOFSYNC;
    }

    public static SystemKind of(String id) {
        for (SystemKind k : values())
            if (k.id.equalsIgnoreCase(id) || k.name().equalsIgnoreCase(id)) return k;
        throw new IllegalArgumentException("unknown system '" + id + "'; known: " + ids(List.of(values())));
    }

    public static List<SystemKind> parseList(String commaList) {
        List<SystemKind> out = new ArrayList<>();
        for (String s : commaList.split(","))
            if (!s.isBlank()) out.add(of(s.trim()));
        return out;
    }

    public static String ids(List<SystemKind> kinds) {
        StringBuilder sb = new StringBuilder();
        for (SystemKind k : kinds) sb.append(sb.length() == 0 ? "" : ",").append(k.id);
        return sb.toString();
    }
}
