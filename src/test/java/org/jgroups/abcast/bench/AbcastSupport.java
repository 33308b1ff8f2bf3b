package org.jgroups.abcast.bench;

import org.jgroups.JChannel;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.protocols.abcast.ABCAST;
import org.jgroups.protocols.abcast.RECOVERY;

/**
 * ABCAST members: a plain channel over stacks/abcast-tcp.xml. A member is ready once it knows a leader and every
 * member is a voter (a new cluster starts with its first member as the only voter and adds the others as they join),
 * so no measurement runs on a smaller quorum than the cluster's.
 */
final class AbcastSupport {
    private AbcastSupport() {
    }

    static MemberSystem channelSystem(String stack, String name, String cluster, int members) {
        return new ChannelSystem(stack, name, cluster, members, ch -> notReady(ch, members), AbcastSupport::stats);
    }

    private static String notReady(JChannel ch, int members) {
        ABCAST a = ABCAST.find(ch);
        if (a == null) return "no ABCAST protocol in the stack";
        ReplicaStatus s = a.status();
        if (s == null) return "ABCAST not running";
        if (s.leader() == null) return "no ABCAST leader yet (" + s.role() + " in term " + s.term() + ")";
        if (s.voters().size() < members) return "voters " + s.voters() + " learners " + s.learners();
        return null;
    }

    private static String stats(JChannel ch) {
        ABCAST a = ABCAST.find(ch);
        ReplicaStatus s = a == null ? null : a.status();
        if (s == null) return "";
        return "abcast_role=" + s.role() + " abcast_term=" + s.term() + " abcast_send_timeouts=" + a.numSendTimeouts()
            + " abcast_peer_sent=" + a.numPeerSent() + " abcast_peer_received=" + a.numPeerReceived()
            + " abcast_peer_unroutable=" + a.numPeerUnroutable() + " abcast_dropped_malformed=" + a.droppedMalformed()
            + recoveryStats(ch);
    }

    /** Whether a member fell behind far enough to fetch history in bulk (then it delivers at the catch-up rate). */
    private static String recoveryStats(JChannel ch) {
        RECOVERY r = ch.getProtocolStack().findProtocol(RECOVERY.class);
        return r == null ? "" : " recovery_catch_up_sessions=" + r.getCatchUpSessions()
            + " recovery_entries_fetched=" + r.getEntriesFetched() + " recovery_chunks_served=" + r.getChunksServed();
    }
}
