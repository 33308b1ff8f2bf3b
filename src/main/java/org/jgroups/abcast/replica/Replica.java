package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Codec;
import org.jgroups.abcast.core.ConfigChange;
import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Engine;
import org.jgroups.abcast.core.EngineOptions;
import org.jgroups.abcast.core.Entry;
import org.jgroups.abcast.core.EntryType;
import org.jgroups.abcast.core.HardState;
import org.jgroups.abcast.core.LogWrite;
import org.jgroups.abcast.core.PeerMessage;
import org.jgroups.abcast.core.ProposalResult;
import org.jgroups.abcast.core.Ready;
import org.jgroups.abcast.core.Role;
import org.jgroups.abcast.core.SnapshotMeta;
import org.jgroups.abcast.core.SnapshotNeeded;
import org.jgroups.abcast.core.WireFormat;
import org.jgroups.abcast.log.DataDirectory;
import org.jgroups.abcast.log.DurabilityListener;
import org.jgroups.abcast.log.GroupCommitLog;
import org.jgroups.abcast.log.GroupCommitOptions;
import org.jgroups.abcast.log.LogOptions;
import org.jgroups.abcast.log.LogRecord;
import org.jgroups.abcast.log.Metadata;
import org.jgroups.abcast.log.SegmentedLog;
import org.jgroups.abcast.log.Snapshot;
import org.jgroups.abcast.log.StorageCorruptedException;
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One member's replica: drives the pure {@link Engine} from a single event-loop thread, persists through the
 * group-commit log (whose writer thread forces while the loop keeps going), sends through a {@link PeerTransport}
 * and delivers committed messages to a {@link DeliveryListener}. Other threads only enqueue events: peer messages,
 * submissions, membership hints.
 *
 * <p>Restart semantics: each open re-delivers the committed history from the start of the log (index 1, or the
 * snapshot) so an in-memory application rebuilds its state; within one life deliveries have no gap and no duplicate.
 * Application delivery can be paused at a point between two deliveries ({@link #pauseDelivery}, for a state transfer)
 * without stopping replication, and resumed after the index an installed state covers ({@link #resumeDelivery}).
 */
public final class Replica implements AutoCloseable {
    private static final Log log = LogFactory.getLog(Replica.class);
    private static final int INBOX_CAPACITY = 65_536;
    private static final int MAX_EVENTS_PER_ROUND = 4096;

    private final ReplicaOptions options;
    private final PeerTransport transport;
    private final DeliveryListener listener;
    private final DataDirectory dir;
    private final GroupCommitLog groupCommit;
    private final Engine engine;
    private final String storageId;
    private final long incarnation;

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>(INBOX_CAPACITY);
    /** Newest (index, term) the log writer reported durable, picked up by the loop (never blocks the writer). */
    private final AtomicReference<long[]> durable = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread loop;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    // in-flight window, shared between submitting threads and the loop
    private final ReentrantLock windowLock = new ReentrantLock();
    private final Condition windowChanged = windowLock.newCondition();
    private int inflightCount;
    private long inflightBytes;

    // loop-thread state
    /** This life's submissions not yet delivered, in sequence order (they commit in that order: FIFO per member). */
    private final ArrayDeque<PendingSubmission> pending = new ArrayDeque<>();
    /** Events taken from the inbox in one go, and how many of them have run. */
    private final ArrayList<Runnable> batch = new ArrayList<>();
    private int batchDone;
    private long lastPublishNanos;
    private int freedCount;
    private long freedBytes;
    private Role lastRole;
    private String lastLeader;
    private long lastTerm = -1;
    /** The last appends sent, encoded (see {@link #encode}). */
    private final SharedAppend[] recentAppends = new SharedAppend[4];
    private int nextRecent;

    /** The cluster this member belongs to (null: none yet); see docs/operations.md, "Cluster identity". */
    private volatile String clusterUuid;
    /** Loop thread: the id of the cluster this member is bootstrapping, stored once its first entry is durable. */
    private String bootstrappingUuid;
    private final AtomicLong foreignMessages = new AtomicLong();
    private final Map<String, Long> foreignReported = new HashMap<>();

    // application delivery (loop thread). appCursor: the last index handed to the application, or covered by a state
    // it installed. It equals the engine's applied index except while delivery is paused (a state transfer) or
    // catching up after a pause; the entries in between are then read back from the log, a bounded chunk per round.
    private long appCursor;
    private int pauses;
    private boolean deliveryStuckReported;
    private final List<PauseRequest> pauseRequests = new ArrayList<>();
    /** A snapshot installed while delivery was paused: handed to the application when the pause ends. */
    private StoredSnapshot pendingAppState;
    /** The application is installing a snapshot's state (on a thread of its own): no delivery, no pause granted. */
    private boolean installingAppState;
    /** The local snapshot the log starts after, handed to the application before the first delivery. */
    private StoredSnapshot startState;

    // compaction (loop thread; the handler and interval are set once by the recovery layer)
    private volatile SnapshotHandler snapshotHandler;
    private volatile long snapshotInterval;
    private long snapshotIndex, snapshotRetryAfter;
    private boolean snapshotBusy;

    private volatile CatchUpHandler catchUpHandler;
    private volatile ReplicaStatus status;
    private volatile String knownLeader;
    private final AtomicLong delivered = new AtomicLong(), submitted = new AtomicLong(), malformed = new AtomicLong();

    /** future completes with the Delivery, or with just its index (a Long) if indexOnly. */
    private record PendingSubmission(long sequence, CompletableFuture<Object> future, boolean indexOnly, int bytes) {
    }

    /** A pause at the first delivery point >= minIndex (index), or at one where the engine is there too (snapshot). */
    private record PauseRequest(long minIndex, CompletableFuture<Long> index, CompletableFuture<SnapshotMeta> snapshot) {
        boolean abandoned() {
            return index != null ? index.isDone() : snapshot.isDone();
        }
    }

    /** Bytes of committed entries read back from the log per loop round when application delivery catches up. */
    private static final int DELIVERY_CATCH_UP_BYTES = 1024 * 1024;

    /** A submission on its way to the engine; failed explicitly if the replica stops before running it. */
    private final class SubmitEvent implements Runnable {
        final byte[] payload;
        final boolean indexOnly;
        final CompletableFuture<Object> future = new CompletableFuture<>();

        SubmitEvent(byte[] payload, boolean indexOnly) {
            this.payload = payload;
            this.indexOnly = indexOnly;
        }

        @Override
        public void run() {
            long seq = engine.submit(payload);
            pending.addLast(new PendingSubmission(seq, future, indexOnly, payload.length));
            submitted.incrementAndGet();
        }
    }

    private Replica(ReplicaOptions options, PeerTransport transport, DeliveryListener listener) throws IOException {
        this.options = options;
        this.transport = transport;
        this.listener = listener;
        this.dir = DataDirectory.open(options.dataDir(), options.memberId(), options.clusterName(),
                                     LogOptions.defaults().withDirectIo(options.directIo()));
        try {
            Metadata meta = dir.metadata();
            this.storageId = meta.storageId();
            // Must grow across restarts and disk loss (the directory's counter restarts with a new disk).
            this.incarnation = Math.max(meta.incarnation(), System.currentTimeMillis());
            dir.log().force(); // what recovery found on disk is durable from now on
            this.clusterUuid = meta.clusterUuid();
            this.startState = loadSnapshot(dir);
            SnapshotMeta start = startState != null ? startState.meta() : SnapshotMeta.NONE;
            EngineOptions eo = EngineOptions.defaults(options.memberId(), storageId, incarnation)
                .withTiming(options.electionTicks(), options.heartbeatTicks(),
                            Math.max(options.electionTicks(), 2 * options.heartbeatTicks() + 1))
                // About 8 MB of appends in flight per follower: enough to keep the pipe full, and bounded (the
                // replication traffic bypasses JGroups' flow control, so this is what bounds the leader's memory).
                .withLimits(Math.max(4, (int) (8L * 1024 * 1024 / options.maxBatchBytes())), options.maxBatchBytes(),
                            4 * 1024 * 1024)
                .withRandomSeed(System.nanoTime() ^ options.memberId().hashCode())
                .withBulkCatchUp(options.bulkCatchUpEntries())
                .withFaultRemoval(options.faultTicks(), options.minVoters())
                .withAutoMembership(true, options.promoteLagEntries());
            DurableLogReader store = new DurableLogReader(dir.log());
            this.engine = new Engine(eo, store, new HardState(meta.currentTerm(), meta.votedFor()), start);
            finishInterruptedBootstrap(store);
            List<String> initial = options.initialMembers();
            if (!initial.isEmpty() && initial.get(0).equals(options.memberId())) bootstrapIfFresh();
            this.groupCommit = GroupCommitLog.start(dir.log(), GroupCommitOptions.defaults().withFsync(options.fsync()),
                                                    new DurabilityListener() {
                                                        @Override
                                                        public void durable(long index, long term) {
                                                            Replica.this.durable.set(new long[]{index, term});
                                                            wake();
                                                        }

                                                        @Override
                                                        public void failed(Throwable cause) {
                                                            fail(cause);
                                                        }
                                                    });
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
        this.appCursor = engine.appliedIndex();
        this.snapshotIndex = engine.firstIndex() - 1;
        publishStatus();
        this.loop = new Thread(this::runLoop, "abcast-loop[" + options.memberId() + "]");
        loop.setDaemon(true);
    }

    /** Opens the data directory (creating it), recovers the log and starts the event loop. */
    public static Replica open(ReplicaOptions options, PeerTransport transport, DeliveryListener listener)
        throws IOException {
        Replica r = new Replica(options, transport, listener);
        r.loop.start();
        log.info("%s: replica started (storage %s, incarnation %d, log %d..%d, term %d)", options.memberId(),
                 r.storageId, r.incarnation, r.engine.firstIndex(), r.engine.lastIndex(), r.engine.term());
        return r;
    }

    /**
     * Creates a new cluster with this member as its only voter, if this member has never belonged to one (no cluster
     * id, no history). The others join it automatically. The cluster's id is stored once the first entry is durable,
     * so a crash in between leaves a member that may simply bootstrap again. Loop thread (or the constructor).
     */
    private boolean bootstrapIfFresh() {
        if (clusterUuid != null || bootstrappingUuid != null || !engine.bootstrap()) return false;
        bootstrappingUuid = UUID.randomUUID().toString();
        log.info("%s: bootstrapping a new cluster '%s' (id %s) with itself as the first voter", options.memberId(),
                 options.clusterName(), bootstrappingUuid);
        return true;
    }

    /** The first entry of our own bootstrap became durable but the crash came before its cluster id was stored. */
    private void finishInterruptedBootstrap(DurableLogReader store) throws IOException {
        if (clusterUuid != null || store.lastIndex() < 1 || store.snapshotIndex() > 0) return;
        Entry first = store.entries(1, 1, Long.MAX_VALUE).get(0);
        if (first.type() == EntryType.CONFIG && first.origin().equals(options.memberId())
            && first.configuration().voters().equals(Map.of(options.memberId(), storageId))) {
            bootstrappingUuid = UUID.randomUUID().toString();
            storeBootstrappedUuid();
        }
    }

    private void storeBootstrappedUuid() throws IOException {
        dir.updateClusterUuid(bootstrappingUuid);
        clusterUuid = bootstrappingUuid;
        bootstrappingUuid = null;
        log.info("%s: bootstrapped cluster '%s' (id %s)", options.memberId(), options.clusterName(), clusterUuid);
    }

    /**
     * Whether a peer message from a member of cluster senderCluster (null: a member that belongs to none yet) may be
     * handed to the engine. A member that belongs to no cluster joins the one whose leader first replicates to it.
     * Messages between two clusters that share a name are refused: their histories are unrelated. Loop thread.
     */
    private boolean admit(String senderCluster, PeerMessage m) throws IOException {
        String mine = clusterUuid;
        if (senderCluster == null || senderCluster.equals(mine)) return true;
        if (mine == null && bootstrappingUuid == null) {
            if (m instanceof PeerMessage.AppendRequest) {
                dir.updateClusterUuid(senderCluster);
                clusterUuid = senderCluster;
                log.info("%s: joining cluster '%s' (id %s) through %s", options.memberId(), options.clusterName(),
                         senderCluster, m.from());
            }
            return true;
        }
        long n = foreignMessages.incrementAndGet();
        String key = m.from() + "@" + senderCluster;
        if (foreignReported.putIfAbsent(key, n) == null || n % 1000 == 0)
            log.error("%s: refused a message from member %s, which belongs to another cluster named '%s' (id %s; this "
                      + "member's cluster is %s): %d refused so far. The name was bootstrapped twice, e.g. after the "
                      + "first initial member lost its data directory while a majority of the others was down; the "
                      + "two never exchange messages. See docs/operations.md, \"Cluster identity\".",
                      options.memberId(), m.from(), options.clusterName(), senderCluster,
                      mine != null ? mine : bootstrappingUuid, n);
        return false;
    }

    /**
     * The newest snapshot, if the log starts after one. A crash between writing a snapshot and compacting (or
     * replacing) the log below it is finished here.
     */
    private static StoredSnapshot loadSnapshot(DataDirectory dir) throws IOException {
        Optional<Snapshot> latest = dir.snapshots().latest();
        SegmentedLog l = dir.log();
        long compacted = l.compactionPoint().index();
        if (latest.isEmpty() || latest.get().index() < compacted) {
            if (compacted == 0) return null;
            throw new StorageCorruptedException("The log in " + l.directory() + " is compacted up to index " + compacted
                                                + " but there is no readable snapshot at or after it in "
                                                + dir.snapshots().directory() + ". Move the data directory aside and "
                                                + "restart the member empty: it recovers from its peers");
        }
        Snapshot snap = latest.get();
        StoredSnapshot s;
        try {
            s = StoredSnapshot.decode(snap.data());
        } catch (Codec.MalformedException e) {
            throw new StorageCorruptedException("The snapshot at index " + snap.index() + " in "
                                                + dir.snapshots().directory() + " cannot be decoded: " + e.getMessage());
        }
        if (snap.index() > compacted) l.replaceBySnapshot(snap.index(), snap.term());
        return s;
    }

    // ------------------------------------------------------------------ inputs (any thread)

    /**
     * Submits a message for total order. Blocks while the in-flight window is full or no leader is known, up to
     * sendTimeoutMillis, then throws. The future completes with the Delivery once the message is committed.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Delivery> submit(byte[] payload) throws InterruptedException, SubmitTimeoutException {
        return (CompletableFuture<Delivery>) (CompletableFuture<?>) submit(payload, false);
    }

    /**
     * Like {@link #submit}, but the future completes with the message's index only: no Delivery to keep and no
     * dependent stage to run on the loop thread (what the JGroups layer hands to its callers).
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Long> submitForIndex(byte[] payload) throws InterruptedException, SubmitTimeoutException {
        return (CompletableFuture<Long>) (CompletableFuture<?>) submit(payload, true);
    }

    private CompletableFuture<Object> submit(byte[] payload, boolean indexOnly)
        throws InterruptedException, SubmitTimeoutException {
        checkUsable();
        // A delivery callback that sends runs on the loop thread, which is the only one that frees the window:
        // waiting there would wait for itself. Such sends are admitted at once (the engine buffers them).
        boolean onLoop = Thread.currentThread() == loop;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.sendTimeoutMillis());
        windowLock.lockInterruptibly();
        try {
            while (!onLoop && (knownLeader == null || (inflightCount > 0 && (inflightCount >= options.maxInflightMessages()
                                                                 || inflightBytes + payload.length > options.maxInflightBytes())))) {
                checkUsable();
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new SubmitTimeoutException(timeoutReason());
                windowChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(options.tickMillis())));
            }
            inflightCount++;
            inflightBytes += payload.length;
        } finally {
            windowLock.unlock();
        }
        SubmitEvent event = new SubmitEvent(payload, indexOnly);
        if (onLoop) event.run();
        else enqueue(event);
        if (!running) failQueued("replica " + options.memberId() + " closed"); // raced with close(): fail, don't hang
        return event.future;
    }

    private String timeoutReason() {
        ReplicaStatus s = status;
        if (knownLeader == null)
            return "no leader for " + options.sendTimeoutMillis() + " ms (member " + s.memberId() + " is " + s.role()
                + " in term " + s.term() + "): this member may be cut off from a majority of " + s.voters();
        return "the in-flight window stayed full for " + options.sendTimeoutMillis() + " ms (" + inflightCount
            + " messages not yet committed; leader " + knownLeader + "): no majority acknowledges, or the cluster is"
            + " overloaded";
    }

    /** Hands in an encoded peer message from a member of this cluster. Malformed input is dropped and counted. */
    public void receive(byte[] encoded) {
        receive(null, encoded);
    }

    /**
     * Hands in an encoded peer message from a member of cluster senderCluster (null: a member of no cluster yet).
     * Malformed input and messages of another cluster are dropped and counted.
     */
    public void receive(String senderCluster, byte[] encoded) {
        PeerMessage m;
        try {
            m = WireFormat.addressedTo(WireFormat.decode(encoded), options.memberId());
        } catch (Codec.MalformedException | IllegalArgumentException e) {
            long n = malformed.incrementAndGet();
            if (n == 1 || n % 1000 == 0) log.warn("%s: dropped malformed peer message (%d so far): %s", options.memberId(), n, e.getMessage());
            return;
        }
        enqueue(() -> {
            try {
                if (admit(senderCluster, m)) engine.step(m);
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    /**
     * Creates a new cluster with this member as its first voter if it has never belonged to one; completes with
     * whether it did. The JGroups layer calls this on the first initial member once it knows no existing cluster is
     * around (see docs/operations.md, "Bootstrapping").
     */
    public CompletableFuture<Boolean> bootstrap() {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        enqueue(() -> f.complete(bootstrapIfFresh()));
        return f;
    }

    /** The id of the cluster this member belongs to, or null if it belongs to none yet. */
    public String clusterUuid() {
        return clusterUuid;
    }

    /** Peer messages refused because they came from a member of another cluster with the same name. */
    public long foreignClusterMessages() {
        return foreignMessages.get();
    }

    /** Liveness hint from the group membership service: the member ids in the current view. */
    public void membersHint(Set<String> members) {
        Set<String> copy = Set.copyOf(members);
        enqueue(() -> engine.hintMembers(copy));
    }

    public CompletableFuture<ProposalResult> propose(ConfigChange change) {
        CompletableFuture<ProposalResult> f = new CompletableFuture<>();
        enqueue(() -> f.complete(engine.propose(change)));
        return f;
    }

    /** Installs the recovery layer's handler; without one, bulk catch-up requests are abandoned at once. */
    public void setCatchUpHandler(CatchUpHandler handler) {
        this.catchUpHandler = handler;
    }

    /** Serves a bulk catch-up: encoded committed entries from index from on (an empty chunk if we lack them). */
    public CompletableFuture<byte[]> readCommittedChunk(long from, int maxBytes) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        enqueue(() -> f.complete(WireFormat.encodeEntries(engine.readCommitted(from, maxBytes))));
        return f;
    }

    /**
     * Hands in a chunk fetched from another member. Completes with the next index to fetch, or -1 once the leader's
     * stream can take over. A malformed chunk completes exceptionally (fetch it again, from another member).
     */
    public CompletableFuture<Long> installCommittedChunk(byte[] chunk) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        List<Entry> entries;
        try {
            entries = WireFormat.decodeEntries(chunk);
        } catch (Codec.MalformedException e) {
            malformed.incrementAndGet();
            f.completeExceptionally(e);
            return f;
        }
        enqueue(() -> f.complete(engine.installCommitted(entries)));
        return f;
    }

    public void abandonCatchUp() {
        enqueue(engine::abandonCatchUp);
    }

    /**
     * Pauses application delivery at a point between two deliveries, once the application has received every entry
     * up to at least minIndex. Completes with the last index delivered (the point the application's state then
     * reflects). Replication, acknowledgements and commits go on meanwhile; the entries committed during the pause
     * are read back from the log when delivery resumes. Every granted pause must be ended by {@link #resumeDelivery}.
     * If the returned future is completed by the caller first (e.g. a timeout), no pause is taken.
     */
    public CompletableFuture<Long> pauseDelivery(long minIndex) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        enqueue(() -> pauseRequests.add(new PauseRequest(minIndex, f, null)));
        return f;
    }

    /**
     * Like {@link #pauseDelivery}, at a point where the application and the engine are at the same index: completes
     * with the engine's state there, for a snapshot together with the application's state taken during the pause.
     */
    public CompletableFuture<SnapshotMeta> pauseForSnapshot() {
        CompletableFuture<SnapshotMeta> f = new CompletableFuture<>();
        enqueue(() -> pauseRequests.add(new PauseRequest(0, null, f)));
        return f;
    }

    /** Turns compaction on: the handler is asked for a snapshot every interval delivered entries (0: never). */
    public void setSnapshotHandler(SnapshotHandler handler, long interval) {
        this.snapshotHandler = handler;
        this.snapshotInterval = interval;
    }

    /**
     * Stores a snapshot (the engine's state from {@link #pauseForSnapshot} and the application's state taken in that
     * pause) durably, then compacts the log up to its index. Called off the loop thread; the file write happens here.
     */
    public void saveSnapshot(SnapshotMeta meta, byte[] appState) throws IOException {
        try {
            dir.snapshots().write(meta.index(), meta.term(), new StoredSnapshot(meta, appState).encode());
        } catch (IOException | RuntimeException e) {
            snapshotFailed();
            throw e;
        }
        enqueue(() -> {
            try {
                groupCommit.compact(meta.index(), meta.term());
            } catch (IOException | InterruptedException e) {
                fail(e);
                return;
            }
            snapshotIndex = Math.max(snapshotIndex, meta.index());
            snapshotBusy = false;
            log.info("%s: snapshot at index %d (%d bytes of application state); log compacted up to it",
                     options.memberId(), meta.index(), appState.length);
        });
    }

    /** No snapshot this time (e.g. the application provides no state): try again after another interval. */
    public void snapshotFailed() {
        enqueue(() -> {
            snapshotBusy = false;
            snapshotRetryAfter = appCursor;
        });
    }

    /** The newest stored snapshot (encoded {@link StoredSnapshot}), for a member that needs it. Any thread. */
    public Optional<Snapshot> latestSnapshot() throws IOException {
        return dir.snapshots().latest();
    }

    /**
     * Installs a snapshot fetched from another member (an encoded {@link StoredSnapshot}): if the engine adopts it,
     * the snapshot is stored, the log replaced by it and the application's state by its state. Completes with
     * whether it was adopted (false: the log already holds that prefix); exceptionally if malformed.
     */
    public CompletableFuture<Boolean> installSnapshot(byte[] stored) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        StoredSnapshot s;
        try {
            s = StoredSnapshot.decode(stored);
        } catch (Codec.MalformedException e) {
            malformed.incrementAndGet();
            f.completeExceptionally(e);
            return f;
        }
        enqueue(() -> {
            if (!engine.installSnapshot(s.meta())) {
                f.complete(false);
                return;
            }
            try { // the snapshot is durable before the log goes; a crash in between is finished at the next start
                dir.snapshots().write(s.index(), s.meta().term(), stored);
                groupCommit.replaceBySnapshot(s.index(), s.meta().term());
            } catch (IOException | InterruptedException e) {
                fail(e);
                f.completeExceptionally(e);
                return;
            }
            snapshotIndex = Math.max(snapshotIndex, s.index());
            log.info("%s: installed a snapshot at index %d (%d bytes of application state)", options.memberId(),
                     s.index(), s.appState().length);
            handToApplication(s);
            f.complete(true);
        });
        return f;
    }

    /**
     * The application's state becomes the snapshot's, unless it already reflects that index; not during a pause. The
     * application's setState runs on a thread of its own, delivery paused meanwhile, so this loop keeps replicating.
     */
    private void handToApplication(StoredSnapshot s) {
        if (s.index() <= appCursor) return;
        if (pauses > 0) {
            if (pendingAppState == null || pendingAppState.index() < s.index()) pendingAppState = s;
            return;
        }
        appCursor = s.index();
        pauses++;
        installingAppState = true;
        Thread t = new Thread(() -> {
            try {
                listener.installState(s.index(), s.appState());
            } catch (RuntimeException ex) {
                log.error("%s: the application failed to install the state at index %d: %s", options.memberId(),
                          s.index(), ex);
            } finally {
                enqueue(() -> {
                    installingAppState = false;
                    endPause();
                });
            }
        }, "abcast-install-state[" + options.memberId() + "]");
        t.setDaemon(true);
        t.start();
    }

    /** One pause fewer; when none is left, a snapshot installed meanwhile goes to the application. */
    private void endPause() {
        if (pauses > 0) pauses--;
        if (pauses == 0 && pendingAppState != null) {
            StoredSnapshot p = pendingAppState;
            pendingAppState = null;
            handToApplication(p);
        }
    }

    /**
     * Ends one pause. If coveredUpTo is above the last delivered index, the application installed a state that
     * reflects every entry up to it: those entries are skipped, and delivery continues with coveredUpTo + 1.
     */
    public void resumeDelivery(long coveredUpTo) {
        enqueue(() -> {
            if (coveredUpTo > appCursor) {
                log.info("%s: application state installed at index %d; delivery continues after it (last delivered "
                         + "before: %d)", options.memberId(), coveredUpTo, appCursor);
                appCursor = coveredUpTo;
            }
            endPause();
        });
    }

    public ReplicaStatus status() {
        return status;
    }

    public String memberId() {
        return options.memberId();
    }

    private void enqueue(Runnable event) {
        if (!running) return;
        try {
            inbox.put(event); // blocks a flooding producer once the loop is 64k events behind: backpressure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void wake() {
        inbox.offer(() -> {
        });
    }

    private void checkUsable() {
        Throwable t = failure.get();
        if (t != null) throw new IllegalStateException("replica " + options.memberId() + " failed: " + t, t);
        if (!running) throw new IllegalStateException("replica " + options.memberId() + " is closed");
    }

    private void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            log.error("%s: replica stopped after an unrecoverable error: %s", options.memberId(), cause);
            running = false;
            wake();
            signalWindow();
        }
    }

    // ------------------------------------------------------------------ the event loop

    private void runLoop() {
        if (startState != null) { // before the first delivery: the application's state at the log's start
            log.info("%s: starting from the local snapshot at index %d (%d bytes of application state)",
                     options.memberId(), startState.index(), startState.appState().length);
            try {
                listener.installState(startState.index(), startState.appState());
            } catch (RuntimeException ex) {
                log.error("%s: the application failed to install the snapshot's state: %s", options.memberId(), ex);
            }
            startState = null;
        }
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(options.tickMillis());
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                Runnable event = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                if (event != null) {
                    event.run();
                    inbox.drainTo(batch, MAX_EVENTS_PER_ROUND); // one lock for the lot, not one per event
                    for (batchDone = 0; batchDone < batch.size(); ) batch.get(batchDone++).run();
                    batch.clear();
                }
                long[] d = durable.getAndSet(null);
                if (d != null) {
                    engine.persisted(d[0], d[1]);
                    if (bootstrappingUuid != null && engine.durableIndex() >= 1) storeBootstrappedUuid();
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    engine.tick();
                    nextTick = now - nextTick > 10 * tickNanos ? now + tickNanos : nextTick + tickNanos;
                }
                handleReady();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail(t);
        } finally {
            failPending(failure.get() != null ? "replica failed: " + failure.get() : "replica closed");
        }
    }

    private void handleReady() throws IOException, InterruptedException {
        Ready r;
        do {
            r = engine.ready();
            if (r.hardState() != null) dir.updateTermAndVote(r.hardState().term(), r.hardState().votedFor());
            for (LogWrite w : r.writes()) {
                // Encoding the entries into log records happens on the log writer thread, off this loop.
                long bytes = 0;
                for (Entry e : w.entries()) bytes += e.sizeEstimate() + 24;
                groupCommit.submit(w.fromIndex(), w.fromIndex() + w.entries().size() - 1, bytes, () -> toLogWrite(w));
            }
            for (PeerMessage m : r.messages()) transport.send(m.to(), encode(m));
            for (Entry e : r.committed()) applied(e);
            if (r.catchUpWanted() != null) {
                CatchUpHandler h = catchUpHandler;
                if (h != null) h.catchUpWanted(r.catchUpWanted().fromIndex(), r.catchUpWanted().leaderCommitIndex(),
                                            r.catchUpWanted().leader());
                else engine.abandonCatchUp();
            }
            for (SnapshotNeeded s : r.snapshotsNeeded()) {
                SnapshotHandler h = snapshotHandler;
                if (h != null) h.snapshotNeeded(s.follower());
                else log.warn("%s: %s needs entries before %d, which were compacted, and no recovery layer can send "
                              + "it the snapshot", options.memberId(), s.follower(), s.leaderSnapshotIndex() + 1);
            }
            releaseWindow();
        } while (r.moreCommitted());
        deliverFromLog();
        grantPauses();
        maybeSnapshot();
        // Every round when idle, else at most every 1 ms (or at once when the role, leader or term changed).
        long now = System.nanoTime();
        if (inbox.isEmpty() || now - lastPublishNanos >= 1_000_000 || engine.role() != lastRole
            || engine.term() != lastTerm || !java.util.Objects.equals(engine.leader(), lastLeader)) {
            lastPublishNanos = now;
            publishStatus();
        }
    }

    /**
     * Encodes a peer message. The leader sends the same append (same entries, position and commit index) to every
     * follower that is at the same position: it is encoded once, without addressee, and the same bytes go to all of
     * them (see {@link WireFormat#unaddressed}). The last few are kept and recognised by entry identity.
     */
    private byte[] encode(PeerMessage m) {
        if (!(m instanceof PeerMessage.AppendRequest a) || a.entries().isEmpty()) return WireFormat.encode(m);
        for (SharedAppend s : recentAppends)
            if (s != null && s.sameAs(a)) return s.bytes;
        SharedAppend s = new SharedAppend(a, WireFormat.encode(WireFormat.unaddressed(a)));
        recentAppends[nextRecent] = s;
        nextRecent = (nextRecent + 1) % recentAppends.length;
        return s.bytes;
    }

    private record SharedAppend(PeerMessage.AppendRequest append, byte[] bytes) {
        /** The same append but for its addressee: same leader, term, position, commit index and entry objects. */
        boolean sameAs(PeerMessage.AppendRequest o) {
            PeerMessage.AppendRequest a = append;
            if (o.term() != a.term() || o.prevIndex() != a.prevIndex() || o.prevTerm() != a.prevTerm()
                || o.commitIndex() != a.commitIndex() || !o.from().equals(a.from())
                || o.entries().size() != a.entries().size())
                return false;
            for (int i = 0; i < a.entries().size(); i++)
                if (o.entries().get(i) != a.entries().get(i)) return false;
            return true;
        }
    }

    private static org.jgroups.abcast.log.LogWrite toLogWrite(LogWrite w) {
        List<LogRecord> records = new ArrayList<>(w.entries().size());
        for (Entry e : w.entries()) records.add(DurableLogReader.toRecord(e));
        return new org.jgroups.abcast.log.LogWrite(w.fromIndex(), records);
    }

    /**
     * An entry the engine applied (committed, in index order). The application gets it now if its delivery is
     * current, later from the log if paused or behind, never if a state covered it. Own submissions complete here,
     * after the application got them when delivery is current (during a state transfer's pause: before).
     */
    private void applied(Entry e) {
        if (e.type() == EntryType.CONFIG) {
            log.info("%s: configuration at index %d: %s", options.memberId(), e.index(), e.configuration());
            listener.configurationCommitted(e.index(), e.configuration());
        }
        if (pauses == 0 && appCursor == e.index() - 1) deliver(e); // before completing the sender's future
        if (e.type() == EntryType.DATA && e.origin().equals(options.memberId()) && e.incarnation() == incarnation) {
            // Own entries of this life are committed in sequence order, each once: the head is this one.
            PendingSubmission p;
            while ((p = pending.peekFirst()) != null && p.sequence <= e.sequence()) {
                pending.pollFirst();
                freedCount++;
                freedBytes += p.bytes;
                if (p.sequence == e.sequence()) p.future.complete(p.indexOnly ? (Object) e.index() : toDelivery(e));
                else p.future.completeExceptionally(new IllegalStateException("submission " + p.sequence + " skipped"));
            }
        }
    }

    private static Delivery toDelivery(Entry e) {
        return new Delivery(e.index(), e.term(), e.origin(), e.incarnation(), e.sequence(), e.payload());
    }

    private void deliver(Entry e) {
        appCursor = e.index();
        if (e.type() != EntryType.DATA) return;
        delivered.incrementAndGet();
        try {
            listener.deliver(toDelivery(e));
        } catch (RuntimeException ex) {
            log.error("%s: the application threw while delivering index %d: %s", options.memberId(), e.index(), ex);
        }
    }

    /** After a pause: hands the application the entries applied meanwhile, read back from the log, a chunk a round. */
    private void deliverFromLog() {
        long applied = engine.appliedIndex();
        if (pauses > 0 || appCursor >= applied) return;
        List<Entry> chunk = engine.readCommitted(appCursor + 1, DELIVERY_CATCH_UP_BYTES);
        if (chunk.isEmpty()) { // cannot happen while compaction stays below the application's delivery point
            if (deliveryStuckReported) return;
            deliveryStuckReported = true;
            log.error("%s: cannot read entries after %d back from the log to deliver them", options.memberId(), appCursor);
            return;
        }
        for (Entry e : chunk) {
            if (e.index() > applied) break;
            if (e.index() == appCursor + 1) deliver(e);
        }
        if (appCursor < applied) wake(); // more to read: come back after the events queued meanwhile
    }

    /** Grants the pause requests whose index the application has reached: between two deliveries, on this thread. */
    private void grantPauses() {
        if (pauseRequests.isEmpty() || installingAppState) return;
        for (var it = pauseRequests.iterator(); it.hasNext(); ) {
            PauseRequest p = it.next();
            if (p.abandoned()) {
                it.remove(); // the requester gave up
            } else if (p.snapshot() != null) {
                if (appCursor != engine.appliedIndex()) continue;
                it.remove();
                if (p.snapshot().complete(engine.snapshotAtApplied())) pauses++;
            } else if (appCursor >= p.minIndex()) {
                it.remove();
                if (p.index().complete(appCursor)) pauses++;
            }
        }
    }

    /** Asks for a snapshot every snapshotInterval delivered entries, one at a time. */
    private void maybeSnapshot() {
        long interval = snapshotInterval;
        SnapshotHandler h = snapshotHandler;
        if (interval <= 0 || h == null || snapshotBusy || appCursor - Math.max(snapshotIndex, snapshotRetryAfter) < interval)
            return;
        snapshotBusy = true;
        h.snapshotDue();
    }

    /** Frees window space for the submissions committed in this round: one lock and one wake-up per round. */
    private void releaseWindow() {
        if (freedCount == 0) return;
        windowLock.lock();
        try {
            inflightCount -= freedCount;
            inflightBytes -= freedBytes;
            windowChanged.signalAll();
        } finally {
            windowLock.unlock();
        }
        freedCount = 0;
        freedBytes = 0;
    }

    private void signalWindow() {
        windowLock.lock();
        try {
            windowChanged.signalAll();
        } finally {
            windowLock.unlock();
        }
    }

    private void failPending(String why) {
        IllegalStateException e = new IllegalStateException(why);
        for (PendingSubmission p : pending) p.future.completeExceptionally(e);
        pending.clear();
        for (int i = batchDone; i < batch.size(); i++) // taken from the inbox but not run: the loop stopped
            if (batch.get(i) instanceof SubmitEvent s) s.future.completeExceptionally(e);
        batch.clear();
        failQueued(why);
    }

    /** Fails the submissions still queued for a loop that no longer runs. */
    private void failQueued(String why) {
        Runnable r;
        while ((r = inbox.poll()) != null)
            if (r instanceof SubmitEvent s) s.future.completeExceptionally(new IllegalStateException(why));
        signalWindow();
    }

    private void publishStatus() {
        Configuration c = engine.config();
        String leader = engine.leader();
        knownLeader = leader;
        status = new ReplicaStatus(options.memberId(), engine.role(), leader, engine.term(), engine.commitIndex(),
                                   engine.appliedIndex(), engine.lastIndex(), engine.durableIndex(),
                                   c.voters().keySet(), c.learners().keySet(), engine.pendingSubmissions(),
                                   delivered.get(), submitted.get(), malformed.get(), incarnation, storageId);
        if (engine.role() != lastRole || !java.util.Objects.equals(leader, lastLeader) || engine.term() != lastTerm) {
            lastRole = engine.role();
            lastLeader = leader;
            lastTerm = engine.term();
            log.debug("%s: %s in term %d, leader %s", options.memberId(), lastRole, lastTerm, leader);
            if (leader != null) signalWindow();
            listener.roleChanged(lastRole, leader, lastTerm);
        }
    }

    /**
     * Leaves the cluster for good: asks the leader to remove this member, waits (up to timeoutMillis) until the removal
     * is committed, then closes. Returns true if the removal was confirmed. A member that only restarts should call
     * {@link #close()} instead, which keeps its place in the configuration.
     */
    public boolean leaveAndClose(long timeoutMillis) throws InterruptedException {
        ReplicaStatus s = status;
        if (s.voters().equals(Set.of(options.memberId())) || !running) { // the last voter cannot leave; nothing to wait for
            close();
            return false;
        }
        enqueue(engine::leave);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        boolean left = false;
        while (running && !left && System.currentTimeMillis() < deadline) {
            CompletableFuture<Boolean> check = new CompletableFuture<>();
            enqueue(() -> check.complete(engine.hasLeft()));
            try {
                left = check.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                break;
            }
            if (!left) Thread.sleep(options.tickMillis());
        }
        if (!left)
            log.warn("%s: leaving: the removal was not confirmed within %d ms; closing anyway (the leader removes this"
                     + " member once it is missing for fault_timeout)", options.memberId(), timeoutMillis);
        close();
        return left;
    }

    /** Stops the loop, writes out what is queued for the log, and fails submissions not yet committed. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        running = false;
        wake();
        try {
            loop.join(5_000);
            groupCommit.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                dir.close();
            } catch (IOException e) {
                log.warn("%s: closing the data directory: %s", options.memberId(), e);
            }
        }
        log.info("%s: replica closed", options.memberId());
    }
}
