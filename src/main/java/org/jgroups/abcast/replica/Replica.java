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
import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private volatile CatchUpHandler catchUpHandler;
    private volatile ReplicaStatus status;
    private volatile String knownLeader;
    private final AtomicLong delivered = new AtomicLong(), submitted = new AtomicLong(), malformed = new AtomicLong();

    /** future completes with the Delivery, or with just its index (a Long) if indexOnly. */
    private record PendingSubmission(long sequence, CompletableFuture<Object> future, boolean indexOnly, int bytes) {
    }

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
        this.dir = DataDirectory.open(options.dataDir(), options.memberId(), options.clusterName(), LogOptions.defaults());
        try {
            Metadata meta = dir.metadata();
            this.storageId = meta.storageId();
            // Must grow across restarts and disk loss (the directory's counter restarts with a new disk).
            this.incarnation = Math.max(meta.incarnation(), System.currentTimeMillis());
            dir.log().force(); // what recovery found on disk is durable from now on
            bootstrapIfFirst(meta);
            meta = dir.metadata();
            EngineOptions eo = EngineOptions.defaults(options.memberId(), storageId, incarnation)
                .withTiming(options.electionTicks(), options.heartbeatTicks(),
                            Math.max(options.electionTicks(), 2 * options.heartbeatTicks() + 1))
                // About 8 MB of appends in flight per follower: enough to keep the pipe full, and bounded (the
                // replication traffic bypasses JGroups' flow control, so this is what bounds the leader's memory).
                .withLimits(Math.max(4, (int) (8L * 1024 * 1024 / options.maxBatchBytes())), options.maxBatchBytes(),
                            4 * 1024 * 1024)
                .withRandomSeed(System.nanoTime() ^ options.memberId().hashCode())
                .withBulkCatchUp(options.bulkCatchUpEntries())
                .withFaultRemoval(options.faultTicks(), options.minVoters());
            this.engine = new Engine(eo, new DurableLogReader(dir.log()), new HardState(meta.currentTerm(), meta.votedFor()),
                                     SnapshotMeta.NONE);
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
     * A brand-new data directory of the first initial member creates the cluster: a configuration with itself as the
     * only voter. Everyone else joins through the leader. See docs/design.md for the caveat on re-bootstrapping.
     */
    private void bootstrapIfFirst(Metadata meta) throws IOException {
        List<String> initial = options.initialMembers();
        boolean fresh = dir.log().lastIndex() == 0 && dir.log().compactionPoint().index() == 0 && meta.currentTerm() == 0;
        if (!fresh || initial.isEmpty() || !initial.get(0).equals(options.memberId())) return;
        Entry config = Entry.config(1, 1, options.memberId(), Configuration.ofVoters(Map.of(options.memberId(), storageId)));
        dir.log().append(List.of(DurableLogReader.toRecord(config)));
        dir.log().force();
        dir.updateTermAndVote(1, null);
        log.info("%s: bootstrapped a new cluster '%s' with itself as the first voter", options.memberId(),
                 options.clusterName());
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

    /** Hands in an encoded peer message. Malformed input is dropped and counted. */
    public void receive(byte[] encoded) {
        PeerMessage m;
        try {
            m = WireFormat.addressedTo(WireFormat.decode(encoded), options.memberId());
        } catch (Codec.MalformedException | IllegalArgumentException e) {
            long n = malformed.incrementAndGet();
            if (n == 1 || n % 1000 == 0) log.warn("%s: dropped malformed peer message (%d so far): %s", options.memberId(), n, e.getMessage());
            return;
        }
        enqueue(() -> engine.step(m));
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
                if (d != null) engine.persisted(d[0], d[1]);
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
            for (Entry e : r.committed()) deliver(e);
            if (r.catchUpWanted() != null) {
                CatchUpHandler h = catchUpHandler;
                if (h != null) h.catchUpWanted(r.catchUpWanted().fromIndex(), r.catchUpWanted().leaderCommitIndex());
                else engine.abandonCatchUp();
            }
            for (SnapshotNeeded s : r.snapshotsNeeded())
                log.warn("%s: %s needs entries before %d, which were compacted; snapshot transfer comes with the "
                         + "recovery layer", options.memberId(), s.follower(), s.leaderSnapshotIndex() + 1);
            releaseWindow();
        } while (r.moreCommitted());
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

    private void deliver(Entry e) {
        if (e.type() == EntryType.CONFIG) {
            log.info("%s: configuration at index %d: %s", options.memberId(), e.index(), e.configuration());
            listener.configurationCommitted(e.index(), e.configuration());
            return;
        }
        if (e.type() != EntryType.DATA) return;
        Delivery d = new Delivery(e.index(), e.term(), e.origin(), e.incarnation(), e.sequence(), e.payload());
        delivered.incrementAndGet();
        try {
            listener.deliver(d);
        } catch (RuntimeException ex) {
            log.error("%s: the application threw while delivering index %d: %s", options.memberId(), e.index(), ex);
        }
        if (e.origin().equals(options.memberId()) && e.incarnation() == incarnation) {
            // Own entries of this life are delivered in sequence order, each once: the head is this one.
            PendingSubmission p;
            while ((p = pending.peekFirst()) != null && p.sequence <= e.sequence()) {
                pending.pollFirst();
                freedCount++;
                freedBytes += p.bytes;
                if (p.sequence == e.sequence()) p.future.complete(p.indexOnly ? (Object) d.index() : d);
                else p.future.completeExceptionally(new IllegalStateException("submission " + p.sequence + " skipped"));
            }
        }
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
