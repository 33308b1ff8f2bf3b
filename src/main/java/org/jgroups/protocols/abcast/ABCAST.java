package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.Header;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.abcast.core.ConfigChange;
import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Role;
import org.jgroups.abcast.replica.Delivery;
import org.jgroups.abcast.replica.DeliveryListener;
import org.jgroups.abcast.replica.ReplicaOptions;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.abcast.replica.SubmitTimeoutException;
import org.jgroups.annotations.MBean;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.annotations.ManagedOperation;
import org.jgroups.annotations.Property;
import org.jgroups.conf.AttributeType;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.NameCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Uniform, durable atomic broadcast as a JGroups protocol: every multicast sent through the channel (without the
 * {@code NO_TOTAL_ORDER} or {@code OOB} flag) is delivered to every member in the same order, at most once, and only
 * once it is on the disks of a majority of members.
 *
 * <p>ABCAST is an adapter: JGroups threads only hand events to a {@link org.jgroups.abcast.replica.Replica}, which
 * orders messages through its replicated log (Raft used as a sequencer) on its own event-loop and log-writer threads.
 * The replica's peer messages travel as ABCAST unicasts ({@link AbcastHeader#PEER}) through the reliable unicast
 * layer below; committed entries come back up on the replica's loop thread in index order and are passed up as
 * messages with the origin as source and an {@link AbcastHeader#ORDERED} header carrying their global index.
 *
 * <p>See docs/abcast.md for properties, send and restart semantics, ids, and what of a message is preserved.
 */
@MBean(description = "Uniform, durable atomic broadcast: total order of multicasts through a replicated log")
public class ABCAST extends Protocol {
    /** Protocol id in {@link ClassConfigurator}; see docs/abcast.md for why this number. */
    public static final short PROTOCOL_ID = 1570;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, ABCAST.class);
        ClassConfigurator.add(AbcastHeader.MAGIC_ID, AbcastHeader.class);
    }

    /** How long a new member waits at connect for the others to tell their member ids (duplicate-id check). */
    static final long ANNOUNCE_WAIT_MS = 2000;

    // ------------------------------------------------------------------ properties

    @Property(description = "Directory of this member's log and metadata. Must survive restarts for durability. "
        + "Default: ${java.io.tmpdir}/abcast/<cluster>/<member_id> (fine for demos, not for production)",
        writable = false)
    protected String data_dir;

    @Property(description = "Stable id of this member in the replicated log (must be unique in the cluster and the "
        + "same across restarts). Default: the channel's logical name", writable = false)
    protected String member_id;

    @Property(description = "Comma-separated member ids of a new cluster. The first one bootstraps the cluster when "
        + "its data directory is new; the others, and any later member, join automatically. Empty: this member never "
        + "bootstraps and only joins an existing cluster", writable = false)
    protected String initial_members = "";

    @Property(description = "Force every log batch to disk before acknowledging it. Turn off only for benchmarks: "
        + "without it a machine crash can lose acknowledged messages", writable = false)
    protected boolean fsync = true;

    @Property(description = "Write the log with direct I/O (O_DIRECT: whole blocks straight to the device, no page "
        + "cache) where the file system allows it, else through the page cache. Durability is the same either way; "
        + "direct I/O saves the CPU of filling and writing back page-cache pages the log hardly reads again, which on "
        + "virtual machines can be most of the cost of a write", writable = false)
    protected boolean log_direct_io = true;

    @Property(description = "Length of one logical tick of the replica (election and heartbeat timing)",
        type = AttributeType.TIME, writable = false)
    protected long tick_interval = 10;

    @Property(description = "Ticks without hearing a leader before a member starts an election (randomized up to "
        + "twice that); a leader that hears no majority for this long steps down. Must exceed 2 * heartbeat_ticks",
        writable = false)
    protected int election_ticks = 50;

    @Property(description = "Ticks between the leader's heartbeats", writable = false)
    protected int heartbeat_ticks = 10;

    @Property(description = "This member's messages accepted for ordering but not yet delivered, before send() "
        + "blocks (backpressure)", writable = false)
    protected int max_inflight_messages = 10_000;

    @Property(description = "The same limit in payload bytes", type = AttributeType.BYTES, writable = false)
    protected long max_inflight_bytes = 64L * 1024 * 1024;

    @Property(description = "How long send() waits for room in the in-flight window when there is no leader or no "
        + "majority, before it throws OrderingUnavailableException", type = AttributeType.TIME, writable = false)
    protected long send_timeout = 10_000;

    @Property(description = "Approximate bytes per replication (append or forward) message between members",
        type = AttributeType.BYTES, writable = false)
    protected int max_batch_bytes = 256 * 1024;

    @Property(description = "A member this many entries behind the leader fetches the history in bulk through the "
        + "RECOVERY protocol (which sets it when it is in the stack) instead of the leader's stream. 0: never",
        writable = false)
    protected int bulk_catch_up_entries;

    @Property(description = "The leader removes a member that has been missing from the JGroups view this long; it "
        + "rejoins as a learner when it returns and is promoted once caught up. Short: a GC pause or network blip "
        + "costs a re-join; long: a dead voter keeps counting toward the majority. 0: never remove automatically",
        type = AttributeType.TIME, writable = false)
    protected long fault_timeout = 60_000;

    @Property(description = "Automatic removal of faulty members never shrinks the voters below this", writable = false)
    protected int min_voters = 3;

    @Property(description = "A joining member (a learner) is promoted to voter once it has acknowledged the leader's "
        + "log to within this many entries (and is answering). Small: it votes only when truly caught up; large: it "
        + "may start counting toward the majority while still fetching", writable = false)
    protected int promote_lag = 100;

    @Property(description = "On disconnect/close, a voter first has its removal committed (bounded by leave_timeout), "
        + "so the others need not wait for fault_timeout. Turn off for members that only restart", writable = false)
    protected boolean leave_on_disconnect = true;

    @Property(description = "How long disconnect/close waits for the removal to commit", type = AttributeType.TIME,
        writable = false)
    protected long leave_timeout = 5_000;

    // ------------------------------------------------------------------ counters of this layer

    protected final LongAdder num_ordered_sent = new LongAdder();
    protected final LongAdder num_delivered_up = new LongAdder();
    protected final LongAdder num_passthrough = new LongAdder();
    protected final LongAdder num_send_timeouts = new LongAdder();
    protected final LongAdder num_peer_sent = new LongAdder();
    protected final LongAdder num_peer_received = new LongAdder();
    protected final LongAdder num_peer_unroutable = new LongAdder();
    protected final LongAdder num_peer_not_running = new LongAdder();
    protected final LongAdder num_bad_headers = new LongAdder();
    protected final LongAdder num_undecodable = new LongAdder();

    // ------------------------------------------------------------------ state

    protected final MemberDirectory members = MemberDirectory.withNameCache();
    protected volatile ReplicaHandle replica;
    protected volatile String own_id;                // the member id in force (resolved at connect)
    protected volatile String cluster;
    protected volatile Path resolved_dir;
    protected volatile String not_running_reason = "ABCAST is not running: the channel is not connected";
    protected volatile AbcastHeader peer_header;
    protected ReplicaHandle.Opener opener = ReplicaHandle::open;
    /** Called with every replica this layer opens (the RECOVERY protocol installs its catch-up handler). */
    protected final List<java.util.function.Consumer<ReplicaHandle>> replica_listeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object announce_lock = new Object();
    protected final List<ConfigurationListener> configuration_listeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    protected volatile ConfigurationListener.ClusterConfiguration last_configuration;
    /** What each address last announced about its replica: started or not, and its cluster id. */
    protected final Map<Address, Announcement> announced = new java.util.concurrent.ConcurrentHashMap<>();
    /** Addresses already reported as members of another cluster with our name (each reported once). */
    protected final Set<Address> foreign_reported = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** True on the first initial member whose replica belongs to no cluster yet, until it bootstrapped or joined one. */
    protected volatile boolean bootstrap_pending;
    protected volatile boolean bootstrap_wait_logged;

    protected record Announcement(boolean started, String cluster) {
    }

    // ------------------------------------------------------------------ fluent configuration

    public ABCAST dataDir(String dir) {
        data_dir = dir;
        return this;
    }

    public String dataDir() {
        return resolved_dir != null ? resolved_dir.toString() : data_dir;
    }

    /** Registers a listener told of every committed configuration, in log order (see {@link ConfigurationListener}). */
    public ABCAST addConfigurationListener(ConfigurationListener l) {
        configuration_listeners.add(java.util.Objects.requireNonNull(l));
        return this;
    }

    public ABCAST removeConfigurationListener(ConfigurationListener l) {
        configuration_listeners.remove(l);
        return this;
    }

    public ABCAST memberId(String id) {
        member_id = id;
        return this;
    }

    public ABCAST initialMembers(String commaList) {
        initial_members = commaList;
        return this;
    }

    public ABCAST logDirectIo(boolean on) {
        log_direct_io = on;
        return this;
    }

    public ABCAST fsync(boolean on) {
        fsync = on;
        return this;
    }

    public ABCAST tickInterval(long ms) {
        tick_interval = ms;
        return this;
    }

    public ABCAST electionTicks(int ticks) {
        election_ticks = ticks;
        return this;
    }

    public ABCAST heartbeatTicks(int ticks) {
        heartbeat_ticks = ticks;
        return this;
    }

    public ABCAST maxInflightMessages(int n) {
        max_inflight_messages = n;
        return this;
    }

    public ABCAST maxInflightBytes(long n) {
        max_inflight_bytes = n;
        return this;
    }

    public ABCAST sendTimeout(long ms) {
        send_timeout = ms;
        return this;
    }

    public ABCAST maxBatchBytes(int n) {
        max_batch_bytes = n;
        return this;
    }

    /** Tests only: replaces the replica with a stand-in. */
    ABCAST replicaOpener(ReplicaHandle.Opener o) {
        opener = o;
        return this;
    }

    // ------------------------------------------------------------------ application API

    /** The ABCAST protocol of a channel, or null. */
    public static ABCAST find(JChannel ch) {
        return ch.getProtocolStack().findProtocol(ABCAST.class);
    }

    /** The ORDERED header of a message delivered by ABCAST, or null for a message that was not ordered. */
    public static AbcastHeader orderOf(Message msg) {
        Header h = msg.getHeader(PROTOCOL_ID);
        return h instanceof AbcastHeader a && a.type() == AbcastHeader.ORDERED ? a : null;
    }

    /** The global position (1, 2, ...) of a message delivered by ABCAST in the total order, or -1 if not ordered. */
    public static long indexOf(Message msg) {
        AbcastHeader h = orderOf(msg);
        return h != null ? h.index() : -1;
    }

    /** The term of the leader that ordered the message, or -1 if not ordered. */
    public static long termOf(Message msg) {
        AbcastHeader h = orderOf(msg);
        return h != null ? h.term() : -1;
    }

    /** The member id of the message's sender (stable across restarts, unlike its address), or null. */
    public static String originOf(Message msg) {
        AbcastHeader h = orderOf(msg);
        return h != null ? h.member() : null;
    }

    /**
     * Submits a multicast for total order. Blocks while this member's in-flight window is full (backpressure);
     * returns once the message is accepted for ordering. The future completes with the message's global index when
     * this member delivers it, or exceptionally if ABCAST stops first (the message may then still be delivered by
     * the others: the outcome is unknown, not negative).
     *
     * @throws OrderingUnavailableException no room in the window within send_timeout (no leader or no majority),
     *                                      ABCAST not running, or interrupted; the message was not accepted
     */
    public CompletableFuture<Long> sendOrdered(Message msg) {
        ReplicaHandle r = replica;
        if (r == null) throw new OrderingUnavailableException(not_running_reason);
        byte[] bytes;
        try {
            bytes = MessageCodec.encode(withoutOwnHeader(msg));
        } catch (IOException e) {
            throw new IllegalArgumentException("ABCAST: cannot serialize the message for ordering: " + e, e);
        }
        try {
            CompletableFuture<Long> f = r.submitForIndex(bytes);
            num_ordered_sent.increment();
            return f;
        } catch (SubmitTimeoutException e) {
            num_send_timeouts.increment();
            throw new OrderingUnavailableException(timeoutMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrderingUnavailableException("ABCAST: interrupted while waiting for room in the in-flight "
                                                   + "window; the message was not accepted", e);
        } catch (IllegalStateException e) { // the replica closed while we waited
            throw new OrderingUnavailableException("ABCAST stopped before the message was accepted: "
                                                   + e.getMessage(), e);
        }
    }

    /**
     * Sends a multicast for total order and waits until this member delivered it (so it is durable on a majority and
     * will be delivered by every member). Returns its global index.
     */
    public long sendAndAwait(Message msg, long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        CompletableFuture<Long> f = sendOrdered(msg);
        try {
            return f.get(timeout, unit);
        } catch (ExecutionException e) {
            throw new OrderingUnavailableException("ABCAST stopped before the message was delivered here; others "
                                                   + "may still deliver it", e.getCause());
        }
    }

    private String timeoutMessage(SubmitTimeoutException e) {
        String leader = "unknown";
        try {
            ReplicaStatus s = status();
            if (s != null) leader = s.leader() != null ? s.leader() : "none";
        } catch (RuntimeException ignored) {
        }
        return "ABCAST: message not accepted for total order within send_timeout=" + send_timeout + " ms (member "
            + own_id + ", leader " + leader + "): " + e.getMessage() + ". No leader or no majority of members is "
            + "reachable; this member may be in a minority partition. The message was not sent; retry later";
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void init() throws Exception {
        super.init();
        if (tick_interval < 1 || tick_interval > Integer.MAX_VALUE)
            throw new IllegalArgumentException("ABCAST: tick_interval must be >= 1 ms, got " + tick_interval);
        if (heartbeat_ticks < 1 || election_ticks <= 2 * heartbeat_ticks)
            throw new IllegalArgumentException("ABCAST: need heartbeat_ticks >= 1 and election_ticks > 2 * "
                                               + "heartbeat_ticks, got " + heartbeat_ticks + " and " + election_ticks);
        if (max_inflight_messages < 1 || max_inflight_bytes < 1 || max_batch_bytes < 1)
            throw new IllegalArgumentException("ABCAST: max_inflight_messages, max_inflight_bytes and max_batch_bytes "
                                               + "must be positive");
        if (send_timeout < 0) throw new IllegalArgumentException("ABCAST: send_timeout must be >= 0");
        parseInitialMembers(initial_members);
    }

    @Override
    public void stop() {
        stopReplica("ABCAST is not running: the channel was stopped");
        super.stop();
    }

    @Override
    public Object down(Event evt) {
        switch (evt.getType()) {
            case Event.CONNECT, Event.CONNECT_WITH_STATE_TRANSFER -> {
                prepare((String) evt.getArg());
                Object ret = down_prot.down(evt);
                startAfterJoin();
                return ret;
            }
            case Event.DISCONNECT -> {
                if (leave_on_disconnect) leaveCluster();
                stopReplica("ABCAST is not running: the channel disconnected");
            }
            case Event.VIEW_CHANGE -> handleView(evt.getArg()); // only if placed below GMS
            default -> {
            }
        }
        return down_prot.down(evt);
    }

    @Override
    public Object up(Event evt) {
        if (evt.getType() == Event.VIEW_CHANGE) handleView(evt.getArg());
        return up_prot.up(evt);
    }

    /** Resolves the member id and data directory and checks the directory, before joining. */
    protected void prepare(String clusterName) {
        cluster = clusterName;
        String id = member_id != null && !member_id.isBlank() ? member_id.trim() : logicalName();
        if (id == null || id.isBlank())
            throw new IllegalStateException("ABCAST: no member id: set member_id or give the channel a logical name");
        own_id = id;
        peer_header = AbcastHeader.peer(id);
        members.learn(local_addr, id, false);
        Path dir = data_dir != null && !data_dir.isBlank() ? Path.of(data_dir.trim())
            : Path.of(System.getProperty("java.io.tmpdir"), "abcast", safe(clusterName), safe(id));
        resolved_dir = dir.toAbsolutePath();
        checkDataDir(resolved_dir);
        if (data_dir == null || data_dir.isBlank())
            log.warn("%s: ABCAST data_dir not set, using %s; set data_dir to a directory that survives reboots",
                     local_addr, resolved_dir);
    }

    static void checkDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("ABCAST: cannot create data_dir " + dir + ": " + e, e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir))
            throw new IllegalStateException("ABCAST: data_dir " + dir + " is not a writable directory");
        try {
            Path probe = Files.createTempFile(dir, ".abcast-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("ABCAST: data_dir " + dir + " is not writable: " + e, e);
        }
    }

    /** After GMS installed our first view: learn the others' member ids, refuse a duplicate id, open the replica. */
    protected void startAfterJoin() {
        try {
            awaitMemberIds();
            List<Address> dup = members.duplicatesInView().get(own_id);
            if (dup != null && dup.size() > 1) {
                List<Address> others = new ArrayList<>(dup);
                others.remove(local_addr);
                throw new IllegalStateException("ABCAST: member id '" + own_id + "' is already used by " + others
                                                + " in view " + members.view() + ": every member needs its own "
                                                + "member_id (set member_id, or give each channel a distinct name)");
            }
            // The replica never bootstraps by itself: this layer decides when, from what the others announce.
            ReplicaOptions options = new ReplicaOptions(own_id, cluster, resolved_dir, List.of(), fsync,
                                                        (int) tick_interval, election_ticks, heartbeat_ticks,
                                                        max_inflight_messages, max_inflight_bytes, send_timeout,
                                                        max_batch_bytes)
                .withBulkCatchUp(bulk_catch_up_entries)
                .withMembership((int) Math.min(Integer.MAX_VALUE, fault_timeout / tick_interval), min_voters, promote_lag)
                .withDirectIo(log_direct_io);
            ReplicaHandle r;
            try {
                r = opener.open(options, this::sendPeer, new Listener());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("ABCAST: cannot open the replica of member '" + own_id + "' in "
                                                + resolved_dir + ": " + e.getMessage(), e);
            }
            replica = r;
            replica_listeners.forEach(l -> l.accept(r));
            r.membersHint(members.memberIdsInView());
            List<String> initial = parseInitialMembers(initial_members);
            bootstrap_pending = r.clusterUuid() == null && !initial.isEmpty() && initial.get(0).equals(own_id);
            sendAnnounce(null, false); // our replica runs now: tell everybody which cluster we belong to
            reportForeignMembers();
            maybeBootstrap();
            log.info("%s: ABCAST started: member %s, cluster %s, data_dir %s", local_addr, own_id, cluster,
                     resolved_dir);
        } catch (RuntimeException e) {
            not_running_reason = "ABCAST is not running: " + e.getMessage();
            log.error("%s: %s", local_addr, e.getMessage());
            try { // leave the cluster cleanly before JChannel.connect() fails with our exception
                down_prot.down(new Event(Event.DISCONNECT, local_addr));
            } catch (RuntimeException ignored) {
            }
            throw e;
        }
    }

    /** Asks every other view member for its member id and waits (bounded) until all answered. */
    protected void awaitMemberIds() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANNOUNCE_WAIT_MS);
        synchronized (announce_lock) {
            while (!members.allDeclared(local_addr)) {
                View v = members.view();
                if (v != null)
                    for (Address a : v.getMembers())
                        if (!a.equals(local_addr) && !members.hasDeclared(a)) sendAnnounce(a, true);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.debug("%s: not all members told their member id within %d ms; using logical names",
                              local_addr, ANNOUNCE_WAIT_MS);
                    return;
                }
                try {
                    announce_lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A voter going away for good has its removal committed first (bounded by leave_timeout). */
    protected void leaveCluster() {
        ReplicaHandle r = replica;
        if (r == null) return;
        try {
            boolean left = r.leaveAndClose(leave_timeout);
            log.info("%s: ABCAST member %s %s", local_addr, own_id,
                     left ? "left the configuration" : "closed without a confirmed removal");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    protected void stopReplica(String reason) {
        ReplicaHandle r = replica;
        replica = null;
        not_running_reason = reason;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException e) {
                log.warn("%s: closing the replica failed: %s", local_addr, e);
            }
        }
    }

    // ------------------------------------------------------------------ down: ordered sends and pass-through

    @Override
    public Object down(Message msg) {
        if (msg.getDest() != null || msg.isFlagSet(Message.Flag.NO_TOTAL_ORDER) || msg.isFlagSet(Message.Flag.OOB)) {
            num_passthrough.increment();
            return down_prot.down(withoutOwnHeader(msg));
        }
        return sendOrdered(msg);
    }

    /** A delivered message re-sent by the application must not carry its old position along. */
    protected Message withoutOwnHeader(Message msg) {
        if (msg.getHeader(id) == null) return msg;
        Message copy = msg.copy(true, false);
        for (Map.Entry<Short, Header> e : msg.getHeaders().entrySet())
            if (e.getKey() != id) copy.putHeader(e.getKey(), e.getValue());
        return copy;
    }

    /** The replica's {@link org.jgroups.abcast.replica.PeerTransport}: runs on the replica's loop thread. */
    protected void sendPeer(String toMember, byte[] encoded) {
        Address dest = members.route(toMember);
        if (dest == null) {
            num_peer_unroutable.increment();
            return;
        }
        if (dest.equals(local_addr)) {
            ReplicaHandle r = replica;
            if (r != null) r.receive(null, encoded); // from ourselves: our own cluster
            return;
        }
        // NO_FC: the replica windows its own traffic and its loop thread must not block on credits
        Message m = new BytesMessage(dest, encoded).putHeader(id, peerHeader()).setFlag(Message.Flag.NO_FC);
        try {
            down_prot.down(m);
            num_peer_sent.increment();
        } catch (RuntimeException e) {
            log.trace("%s: sending to %s failed: %s", local_addr, toMember, e);
        }
    }

    /** The header of our peer messages: rebuilt when we learn the cluster we belong to. Loop thread. */
    protected AbcastHeader peerHeader() {
        AbcastHeader h = peer_header;
        ReplicaHandle r = replica;
        String c = r != null ? r.clusterUuid() : null;
        if (!java.util.Objects.equals(h.cluster(), c)) {
            peer_header = h = AbcastHeader.peer(own_id, c);
            if (c != null) { // the cluster we belong to became known: tell everybody, check who is foreign
                sendAnnounce(null, false);
                reportForeignMembers();
            }
        }
        return h;
    }

    /** dest null: to every member. */
    protected void sendAnnounce(Address dest, boolean replyWanted) {
        String me = own_id;
        if (me == null) return;
        ReplicaHandle r = replica;
        AbcastHeader h = AbcastHeader.announce(me, replyWanted, r != null, r != null ? r.clusterUuid() : null);
        Message m = new EmptyMessage(dest).putHeader(id, h)
            .setFlag(Message.Flag.OOB, Message.Flag.NO_FC);
        try {
            down_prot.down(m);
        } catch (RuntimeException e) {
            log.trace("%s: announce to %s failed: %s", local_addr, dest, e);
        }
    }

    // ------------------------------------------------------------------ up: peer traffic, views, deliveries

    @Override
    public Object up(Message msg) {
        AbcastHeader h = msg.getHeader(id);
        if (h == null) return up_prot.up(msg);
        handleOwn(msg, h);
        return null;
    }

    @Override
    public void up(MessageBatch batch) {
        batch.removeIf(msg -> {
            AbcastHeader h = msg.getHeader(id);
            if (h == null) return false;
            handleOwn(msg, h);
            return true;
        }, true);
        if (!batch.isEmpty()) up_prot.up(batch);
    }

    /** A message carrying our header: never passed up. Bad or foreign ones are dropped and counted. */
    protected void handleOwn(Message msg, AbcastHeader h) {
        Address src = msg.getSrc();
        switch (h.type()) {
            case AbcastHeader.PEER -> {
                if (src == null || msg.getDest() == null || !msg.hasArray()) {
                    dropBad(msg, "peer message that is not a unicast with a byte payload");
                    return;
                }
                num_peer_received.increment();
                if (members.learn(src, h.member(), true)) memberIdsChanged();
                ReplicaHandle r = replica;
                if (r == null) {
                    num_peer_not_running.increment();
                    return;
                }
                byte[] arr = msg.getArray();
                int off = msg.getOffset(), len = msg.getLength();
                r.receive(h.cluster(), off == 0 && len == arr.length ? arr : Arrays.copyOfRange(arr, off, off + len));
            }
            case AbcastHeader.ANNOUNCE -> {
                if (src == null) {
                    dropBad(msg, "announcement without a source");
                    return;
                }
                if (src.equals(local_addr)) return; // our own multicast announcement
                announced.put(src, new Announcement(h.started(), h.cluster()));
                if (members.learn(src, h.member(), false)) memberIdsChanged();
                if (h.replyWanted() && own_id != null) sendAnnounce(src, false);
                reportIfForeign(src, h.cluster());
                maybeBootstrap();
            }
            case AbcastHeader.ORDERED -> dropBad(msg, "ordered header received from the network");
            default -> dropBad(msg, "malformed ABCAST header");
        }
    }

    protected void dropBad(Message msg, String why) {
        num_bad_headers.increment();
        log.debug("%s: dropped message from %s: %s", local_addr, msg.getSrc(), why);
    }

    protected void handleView(View v) {
        members.view(v);
        announced.keySet().retainAll(v.getMembers());
        memberIdsChanged();
        maybeBootstrap();
    }

    /**
     * The first initial member creates the cluster once every member of initial_members is present with a running
     * replica and no member in the view belongs to a cluster; if any does, it joins that one instead. Waiting for all
     * of them is what keeps a first member that lost its data directory from creating a second cluster while the
     * members holding the history are down (a majority would not do: initial members that never joined count as
     * fresh too; the simulation found that case). See docs/operations.md, "Bootstrapping".
     */
    protected synchronized void maybeBootstrap() {
        ReplicaHandle r = replica;
        if (!bootstrap_pending || r == null) return;
        if (r.clusterUuid() != null) {
            bootstrap_pending = false;
            return;
        }
        List<String> initial = parseInitialMembers(initial_members);
        View v = members.view();
        Set<String> fresh = new java.util.TreeSet<>(List.of(own_id));
        if (v != null) {
            for (Address a : v.getMembers()) {
                Announcement an = announced.get(a);
                if (a.equals(local_addr) || an == null || !an.started()) continue;
                String other = members.idOf(a);
                if (an.cluster() != null) {
                    bootstrap_pending = false;
                    log.info("%s: not bootstrapping cluster '%s': member %s already belongs to it (id %s); joining it",
                             local_addr, cluster, other, an.cluster());
                    return;
                }
                if (other != null && initial.contains(other)) fresh.add(other);
            }
        }
        if (fresh.size() >= initial.size()) {
            bootstrap_pending = false;
            log.info("%s: all initial members %s are present and belong to no cluster: bootstrapping cluster '%s'",
                     local_addr, fresh, cluster);
            r.bootstrap();
        } else if (!bootstrap_wait_logged) {
            bootstrap_wait_logged = true;
            log.info("%s: waiting for all initial members %s to form the new cluster '%s' (present: %s)",
                     local_addr, initial, cluster, fresh);
        }
    }

    /** Whether the member at this address announced another cluster than ours (both known). */
    public boolean isForeign(Address a) {
        ReplicaHandle r = replica;
        String mine = r != null ? r.clusterUuid() : null;
        Announcement an = a != null ? announced.get(a) : null;
        return mine != null && an != null && an.cluster() != null && !mine.equals(an.cluster());
    }

    /** The member ids in the view, without members known to belong to another cluster (recovery sources). */
    Set<String> sameClusterMemberIdsInView() {
        Set<String> out = new java.util.TreeSet<>(members.memberIdsInView());
        View v = members.view();
        if (v != null)
            for (Address a : v.getMembers())
                if (isForeign(a)) out.remove(members.idOf(a));
        return out;
    }

    /** Checks every announcement again: our own cluster id just became known. */
    protected void reportForeignMembers() {
        announced.forEach((addr, an) -> reportIfForeign(addr, an.cluster()));
    }

    /** A member that announces another cluster id than ours: both share the name but not the history. */
    protected void reportIfForeign(Address src, String theirs) {
        ReplicaHandle r = replica;
        String mine = r != null ? r.clusterUuid() : null;
        if (mine == null || theirs == null || mine.equals(theirs) || !foreign_reported.add(src)) return;
        log.error("%s: member %s (%s) belongs to another cluster named '%s' (id %s; ours is %s): the two never exchange "
                  + "messages. The name was bootstrapped twice, e.g. after the first initial member lost its data "
                  + "directory while a majority of the others was down; see docs/operations.md, \"Cluster identity\".",
                  local_addr, members.idOf(src), src, cluster, theirs, mine);
    }

    /** A view or a member id declaration changed what we know: tell the replica, check for duplicate ids. */
    protected void memberIdsChanged() {
        synchronized (announce_lock) {
            announce_lock.notifyAll();
        }
        ReplicaHandle r = replica;
        if (r == null) return;
        r.membersHint(members.memberIdsInView());
        List<Address> dup = members.duplicatesInView().get(own_id);
        if (dup != null && dup.size() > 1) {
            // both processes claim the same id: the one that joined later (later in view order) stops
            boolean iAmNewer = !dup.get(0).equals(local_addr);
            log.error("%s: ABCAST member id '%s' is used by several members %s; %s", local_addr, own_id, dup,
                      iAmNewer ? "stopping ABCAST here (this member joined later)" : "the later one stops");
            if (iAmNewer)
                stopReplica("ABCAST stopped: member id '" + own_id + "' is also used by " + dup.get(0));
        }
    }

    /** Receives the replica's committed entries, on its loop thread, in index order. */
    protected class Listener implements DeliveryListener {
        /** srcFor answers, valid while the directory's address version is unchanged (the directory is locked). */
        private final Map<String, Address> sources = new java.util.HashMap<>();
        private long sourcesVersion = -1;

        private Address srcFor(String origin) {
            long v = members.addressVersion();
            if (v != sourcesVersion) {
                sources.clear();
                sourcesVersion = v;
            }
            Address a = sources.get(origin);
            if (a == null) {
                a = members.srcFor(origin);
                if (sources.size() < 1024) sources.put(origin, a);
            }
            return a;
        }

        @Override
        public void deliver(Delivery d) {
            MessageCodec.Decoded dec;
            try {
                dec = MessageCodec.decode(d.payload());
            } catch (IOException e) { // the same bytes fail the same way at every member: consistent
                num_undecodable.increment();
                log.error("%s: dropping ordered message #%d from %s: %s", local_addr, d.index(), d.origin(),
                          e.getMessage());
                return;
            }
            if (dec.dontLoopback() && d.origin().equals(own_id)) return;
            Message msg = dec.message();
            msg.setSrc(srcFor(d.origin()));
            msg.putHeader(id, AbcastHeader.ordered(d.index(), d.term(), d.origin()));
            num_delivered_up.increment();
            try {
                up_prot.up(msg);
            } catch (Throwable t) {
                log.error("%s: the application failed to receive ordered message #%d: %s", local_addr, d.index(), t);
            }
        }

        /** A snapshot's application state: JChannel hands it to Receiver.setState, between two deliveries. */
        @Override
        public void installState(long index, byte[] state) {
            log.info("%s: handing the application its state at index %d (%d bytes) through setState", local_addr,
                     index, state.length);
            up_prot.up(new Event(Event.STATE_TRANSFER_INPUTSTREAM, new java.io.ByteArrayInputStream(state)));
        }

        @Override
        public void configurationCommitted(long index, Configuration config) {
            ConfigurationListener.ClusterConfiguration c = new ConfigurationListener.ClusterConfiguration(
                index, config.voters().keySet(), config.learners().keySet());
            last_configuration = c;
            for (ConfigurationListener l : configuration_listeners) {
                try {
                    l.configurationChanged(c);
                } catch (RuntimeException e) {
                    log.error("%s: a configuration listener failed at index %d: %s", local_addr, index, e);
                }
            }
        }

        @Override
        public void roleChanged(Role role, String leader, long term) {
            log.debug("%s: ABCAST %s in term %d, leader %s", local_addr, role, term, leader);
        }
    }

    // ------------------------------------------------------------------ helpers

    protected String logicalName() {
        String n = null;
        if (stack != null && stack.getChannel() != null) n = stack.getChannel().getName();
        if (n == null && local_addr != null) n = NameCache.get(local_addr);
        return n;
    }

    static List<String> parseInitialMembers(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null)
            for (String s : list.split(",")) {
                String m = s.trim();
                if (m.isEmpty()) continue;
                if (!out.add(m)) throw new IllegalArgumentException("ABCAST: initial_members lists " + m + " twice");
            }
        return List.copyOf(out);
    }

    static String safe(String s) {
        return s == null ? "_" : s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ------------------------------------------------------------------ JMX / probe

    /** A consistent snapshot from the replica's loop, or null when not running. */
    public ReplicaStatus status() {
        ReplicaHandle r = replica;
        return r == null ? null : r.status();
    }

    private <T> T fromStatus(Function<ReplicaStatus, T> f, T whenStopped) {
        ReplicaStatus s = status();
        return s == null ? whenStopped : f.apply(s);
    }

    @ManagedAttribute(name = "configuration", description = "The newest committed configuration this member delivered: "
        + "its log index, voters and learners")
    public String configuration() {
        ConfigurationListener.ClusterConfiguration c = last_configuration;
        return c == null ? null : "index " + c.index() + ": voters=" + new java.util.TreeSet<>(c.voters())
            + " learners=" + new java.util.TreeSet<>(c.learners());
    }

    @ManagedAttribute(name = "cluster_uuid", description = "Id of the cluster this member belongs to (created when "
        + "the cluster was bootstrapped; null while it belongs to none yet)")
    public String clusterUuid() {
        ReplicaHandle r = replica;
        return r != null ? r.clusterUuid() : null;
    }

    @ManagedAttribute(name = "foreign_cluster_messages", description = "Peer messages refused because they came from a "
        + "member of another cluster with the same name", type = AttributeType.SCALAR)
    public long foreignClusterMessages() {
        ReplicaHandle r = replica;
        return r != null ? r.foreignClusterMessages() : 0;
    }

    @ManagedAttribute(name = "foreign_members", description = "Members in the view that belong to another cluster "
        + "with the same name (bootstrapped separately); they never exchange messages with this one")
    public String foreignMembers() {
        List<String> out = new ArrayList<>();
        View v = members.view();
        for (Address a : foreign_reported)
            if (v != null && v.containsMember(a)) out.add(String.valueOf(members.idOf(a)));
        return out.toString();
    }

    @ManagedAttribute(name = "running", description = "True while the replica is open (channel connected)")
    public boolean isRunning() {
        return replica != null;
    }

    @ManagedAttribute(name = "member_id_in_use", description = "The member id this member uses in the log")
    public String memberIdInUse() {
        return own_id;
    }

    @ManagedAttribute(name = "role", description = "FOLLOWER, PRE_CANDIDATE, CANDIDATE or LEADER")
    public String role() {
        return fromStatus(x -> String.valueOf(x.role()), "STOPPED");
    }

    @ManagedAttribute(name = "leader", description = "Member id of the current leader (null if none is known)")
    public String leader() {
        return fromStatus(ReplicaStatus::leader, null);
    }

    @ManagedAttribute(name = "term", description = "Current term")
    public long term() {
        return fromStatus(ReplicaStatus::term, -1L);
    }

    @ManagedAttribute(name = "commit_index", description = "Highest log index known to be committed")
    public long commitIndex() {
        return fromStatus(ReplicaStatus::commitIndex, -1L);
    }

    @ManagedAttribute(name = "applied_index", description = "Highest log index delivered in this life")
    public long appliedIndex() {
        return fromStatus(ReplicaStatus::appliedIndex, -1L);
    }

    @ManagedAttribute(name = "last_index", description = "Index of the newest entry in the local log")
    public long lastIndex() {
        return fromStatus(ReplicaStatus::lastIndex, -1L);
    }

    @ManagedAttribute(name = "durable_index", description = "Highest index forced to the local disk")
    public long durableIndex() {
        return fromStatus(ReplicaStatus::durableIndex, -1L);
    }

    @ManagedAttribute(name = "voters", description = "Member ids that vote and count toward commit")
    public String voters() {
        return fromStatus(x -> String.valueOf(x.voters()), null);
    }

    @ManagedAttribute(name = "learners", description = "Member ids that receive the log without voting")
    public String learners() {
        return fromStatus(x -> String.valueOf(x.learners()), null);
    }

    @ManagedAttribute(name = "inflight", description = "This member's messages accepted but not yet delivered")
    public int inflight() {
        return fromStatus(ReplicaStatus::inflightSubmissions, 0);
    }

    @ManagedAttribute(name = "delivered", description = "Messages the replica delivered in this life (all origins)")
    public long delivered() {
        return fromStatus(ReplicaStatus::delivered, 0L);
    }

    @ManagedAttribute(name = "forwarded", description = "Messages this member submitted (forwarded to the leader)")
    public long forwarded() {
        return fromStatus(ReplicaStatus::submitted, 0L);
    }

    @ManagedAttribute(name = "dropped_malformed", description = "Malformed peer messages dropped by the replica "
        + "plus messages with a malformed or foreign ABCAST header dropped by this layer")
    public long droppedMalformed() {
        ReplicaStatus s = status();
        return (s == null ? 0 : s.droppedMalformed()) + num_bad_headers.sum();
    }

    @ManagedAttribute(name = "incarnation", description = "Process life number of this member")
    public long incarnation() {
        return fromStatus(ReplicaStatus::incarnation, -1L);
    }

    @ManagedAttribute(name = "num_ordered_sent", description = "Multicasts this member handed to total order")
    public long numOrderedSent() {
        return num_ordered_sent.sum();
    }

    @ManagedAttribute(name = "num_delivered_up", description = "Ordered messages passed up to the application")
    public long numDeliveredUp() {
        return num_delivered_up.sum();
    }

    @ManagedAttribute(name = "num_passthrough", description = "Unicasts and NO_TOTAL_ORDER/OOB messages passed down "
        + "untouched")
    public long numPassthrough() {
        return num_passthrough.sum();
    }

    @ManagedAttribute(name = "num_send_timeouts", description = "send() calls that failed after send_timeout")
    public long numSendTimeouts() {
        return num_send_timeouts.sum();
    }

    @ManagedAttribute(name = "num_peer_sent", description = "Replica messages sent to peers")
    public long numPeerSent() {
        return num_peer_sent.sum();
    }

    @ManagedAttribute(name = "num_peer_received", description = "Replica messages received from peers")
    public long numPeerReceived() {
        return num_peer_received.sum();
    }

    @ManagedAttribute(name = "num_peer_unroutable", description = "Replica messages dropped: no current address "
        + "for the member id")
    public long numPeerUnroutable() {
        return num_peer_unroutable.sum();
    }

    @ManagedAttribute(name = "num_bad_headers", description = "Messages with a malformed or foreign ABCAST header "
        + "dropped")
    public long numBadHeaders() {
        return num_bad_headers.sum();
    }

    @ManagedAttribute(name = "num_undecodable", description = "Ordered entries that could not be decoded into a "
        + "message (dropped at every member alike)")
    public long numUndecodable() {
        return num_undecodable.sum();
    }

    /**
     * Removes a member id from the configuration (a voter that is gone for good otherwise keeps counting toward the
     * majority). Only the leader accepts it; returns the replica's answer (ACCEPTED or why not).
     */
    @ManagedOperation(description = "Removes a member id from the configuration (leader only); returns the result")
    public String removeMember(String memberId) throws Exception {
        ReplicaHandle r = replica;
        if (r == null) return not_running_reason;
        return String.valueOf(r.propose(new ConfigChange.Remove(memberId)).get(10, TimeUnit.SECONDS));
    }

    @ManagedOperation(description = "Member id -> address mapping")
    public String printMembers() {
        return members.dump();
    }

    @Override
    public void resetStats() {
        super.resetStats();
        for (LongAdder a : List.of(num_ordered_sent, num_delivered_up, num_passthrough, num_send_timeouts,
                                   num_peer_sent, num_peer_received, num_peer_unroutable, num_peer_not_running,
                                   num_bad_headers, num_undecodable))
            a.reset();
    }
}
