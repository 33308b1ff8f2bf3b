package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.NameCache;
import org.jgroups.util.UUID;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Maps stable member ids (what the replica speaks) to the JGroups addresses they have in this life (what the
 * stack speaks), and back.
 *
 * <p>Sources, strongest first: the member id an address declared itself (an ANNOUNCE, or the header of any peer
 * message it sent); otherwise the address's logical name (the default member id is the logical name). Thread-safe.
 *
 * <p>Routing ({@link #route}): a member id is sent to at its last known address if that address is in the current
 * view or was heard from recently (a partition may heal before the merge view arrives). Delivery ({@link #srcFor}):
 * the origin's last known address, or else a placeholder address derived from the member id alone, so the same
 * origin always shows the same placeholder at every member and across restarts.
 */
final class MemberDirectory {
    private final Function<Address, String> logicalNames;
    private final LongSupplier clock;
    private final long recentNanos;

    private View view;
    private final Map<Address, String> declared = new HashMap<>();
    private final Map<String, Address> lastAddress = new HashMap<>();
    private final Map<Address, Long> lastHeard = new HashMap<>();
    private final Map<String, Address> placeholders = new HashMap<>();
    /** Bumped whenever an id's last known address changes, so callers may cache {@link #srcFor} answers. */
    private volatile long addressVersion;

    MemberDirectory(Function<Address, String> logicalNames, LongSupplier nanoClock, long recentNanos) {
        this.logicalNames = logicalNames;
        this.clock = nanoClock;
        this.recentNanos = recentNanos;
    }

    static MemberDirectory withNameCache() {
        return new MemberDirectory(NameCache::get, System::nanoTime, 10_000_000_000L);
    }

    /** Installs a new view; addresses that left keep their member id as "last known" for delivery. */
    synchronized void view(View v) {
        view = v;
        // forget declarations of addresses that are gone and silent, so the maps stay bounded by live members
        declared.keySet().removeIf(a -> !v.containsMember(a) && !heardRecently(a));
        lastHeard.keySet().removeIf(a -> !v.containsMember(a) && !heardRecently(a));
        for (Address a : v.getMembers()) {
            String id = idOf(a);
            if (id == null) continue;
            Address known = lastAddress.get(id);
            // an address in the view beats one that is gone; a declared id beats a logical name
            if (known == null || !v.containsMember(known) || declared.containsKey(a) && !declared.containsKey(known))
                if (!a.equals(lastAddress.put(id, a))) addressVersion++;
        }
    }

    /**
     * An address declared its member id (ANNOUNCE or peer header). Returns true if this taught us something new
     * (a new address for the id or a new id for the address).
     */
    synchronized boolean learn(Address addr, String memberId, boolean heard) {
        if (addr == null || memberId == null) return false;
        if (heard) lastHeard.put(addr, clock.getAsLong());
        String before = declared.put(addr, memberId);
        Address prev = lastAddress.put(memberId, addr);
        if (!addr.equals(prev)) addressVersion++;
        return !memberId.equals(before) || !addr.equals(prev);
    }

    /** The member id of an address: declared, else its logical name, else null. */
    synchronized String idOf(Address a) {
        String id = declared.get(a);
        return id != null ? id : logicalNames.apply(a);
    }

    synchronized boolean hasDeclared(Address a) {
        return declared.containsKey(a);
    }

    /** Where to send a peer message for this member now, or null (unknown, or gone and silent). */
    synchronized Address route(String memberId) {
        Address a = lastAddress.get(memberId);
        if (a == null) return null;
        if (view != null && view.containsMember(a)) return a;
        return heardRecently(a) ? a : null;
    }

    /** Changes whenever an answer of {@link #srcFor} may have changed. */
    long addressVersion() {
        return addressVersion;
    }

    /** The source address to put on a message delivered for this origin. */
    synchronized Address srcFor(String origin) {
        Address a = lastAddress.get(origin);
        return a != null ? a : placeholder(origin);
    }

    /** The stable stand-in address of a member id whose address this member never saw in this life. */
    synchronized Address placeholder(String memberId) {
        return placeholders.computeIfAbsent(memberId, m -> {
            java.util.UUID u = java.util.UUID.nameUUIDFromBytes(("abcast-member:" + m).getBytes(StandardCharsets.UTF_8));
            Address addr = new UUID(u.getMostSignificantBits(), u.getLeastSignificantBits());
            NameCache.add(addr, m);
            return addr;
        });
    }

    /** Member ids of the current view's members (those whose id is known). */
    synchronized Set<String> memberIdsInView() {
        Set<String> ids = new TreeSet<>();
        if (view != null)
            for (Address a : view.getMembers()) {
                String id = idOf(a);
                if (id != null) ids.add(id);
            }
        return ids;
    }

    /**
     * Member ids declared by more than one address of the current view, each with those addresses in view order.
     * Only declarations count, not logical names: a crashed process that is still in the view under the same name
     * (failure detection has not removed it yet) never answers, so it does not block its own restart.
     */
    synchronized Map<String, List<Address>> duplicatesInView() {
        Map<String, List<Address>> byId = new LinkedHashMap<>();
        if (view != null)
            for (Address a : view.getMembers()) {
                String id = declared.get(a);
                if (id != null) byId.computeIfAbsent(id, k -> new ArrayList<>()).add(a);
            }
        byId.values().removeIf(l -> l.size() < 2);
        return byId;
    }

    /** True if every member of the current view other than self has declared its member id. */
    synchronized boolean allDeclared(Address self) {
        if (view == null) return false;
        for (Address a : view.getMembers())
            if (!a.equals(self) && !declared.containsKey(a)) return false;
        return true;
    }

    synchronized View view() {
        return view;
    }

    private boolean heardRecently(Address a) {
        Long t = lastHeard.get(a);
        return t != null && clock.getAsLong() - t < recentNanos;
    }

    /** For probe/JMX: member id -> address (and whether routable). */
    synchronized String dump() {
        Map<String, String> out = new TreeMap<>();
        lastAddress.forEach((id, a) -> out.put(id, a + (route(id) != null ? "" : " (unreachable)")
                                                   + (declared.containsKey(a) ? "" : " (by logical name)")));
        return out.toString();
    }
}
