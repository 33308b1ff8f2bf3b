package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.StateTransferException;
import org.jgroups.annotations.MBean;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.annotations.Property;
import org.jgroups.abcast.core.SnapshotMeta;
import org.jgroups.abcast.log.Snapshot;
import org.jgroups.abcast.replica.BulkCatchUp;
import org.jgroups.abcast.replica.Replica;
import org.jgroups.abcast.replica.SnapshotHandler;
import org.jgroups.conf.AttributeType;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.stack.StateTransferInfo;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.StateTransferResult;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The recovery layer: brings a lagging, new or restarted member up to date in bulk, so that ABCAST's steady-state
 * path stays lean. When the member's replica falls more than {@code bulk_catch_up_entries} behind the leader, this
 * protocol fetches the committed history in chunks of {@code chunk_size} from any other member (not only the leader),
 * one request in flight, resuming from the replica's commit index after each chunk and switching member on a
 * failure or timeout. Live traffic continues meanwhile; the leader's stream takes over once the member is close.
 *
 * <p>It also provides JGroups state transfer ({@code JChannel.getState}) consistent with the total order: the
 * requester pauses its application delivery, the provider pauses its own at a delivery point i at least as far and
 * takes the application's state there ({@code Receiver.getState}), the requester installs it ({@code setState}) and
 * its delivery resumes with i + 1, read from its log. Replication goes on during the pauses. See docs/abcast.md.
 *
 * <p>Sits directly above ABCAST in the stack. Its messages are OOB unicasts, which ABCAST passes through.
 */
@MBean(description = "Bulk catch-up of ABCAST's history from any member")
public class RECOVERY extends Protocol {
    public static final short PROTOCOL_ID = 1572;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, RECOVERY.class);
        ClassConfigurator.add(RecoveryHeader.MAGIC_ID, RecoveryHeader.class);
    }

    @Property(description = "A member this many entries behind the leader's commit index catches up in bulk through "
        + "this protocol", writable = false)
    protected int bulk_catch_up_entries = 10_000;

    @Property(description = "Bytes of entries per fetched chunk", type = AttributeType.BYTES, writable = false)
    protected int chunk_size = 1024 * 1024;

    @Property(description = "How long to wait for a chunk before asking another member", type = AttributeType.TIME,
        writable = false)
    protected long request_timeout = 5_000;

    @Property(description = "Compaction: every this many delivered entries, take the application's state "
        + "(Receiver.getState) at a delivery point, store it durably as a snapshot and delete the log below it. The "
        + "application must implement getState and setState. 0 (default): keep the whole history", writable = false)
    protected long snapshot_interval;

    protected ABCAST abcast;
    protected volatile BulkCatchUp catchUp;
    protected final Map<Long, CompletableFuture<byte[]>> requests = new ConcurrentHashMap<>();
    protected final AtomicLong requestIds = new AtomicLong();
    /** Serves chunks off the replica's loop thread; bounded, so a flood of requests is shed, not queued forever. */
    protected ExecutorService server;

    protected final LongAdder chunks_served = new LongAdder(), bytes_served = new LongAdder(),
        requests_shed = new LongAdder(), bad_headers = new LongAdder(), foreign_dropped = new LongAdder(), states_served = new LongAdder(),
        state_bytes_served = new LongAdder(), states_installed = new LongAdder();

    /** State transfers this member requested and is receiving, by request id. */
    protected final Map<Long, StateAssembly> state_requests = new ConcurrentHashMap<>();
    /** State requests being served: each holds an application state in memory, so they are bounded. */
    protected final AtomicInteger states_serving = new AtomicInteger();
    protected static final int MAX_CONCURRENT_STATES_SERVED = 2;
    protected volatile String last_state_transfer = "-";

    @Override
    public void init() throws Exception {
        super.init();
        if (bulk_catch_up_entries < 1 || chunk_size < 1024 || request_timeout < 1 || snapshot_interval < 0)
            throw new IllegalArgumentException("RECOVERY: bulk_catch_up_entries must be >= 1, chunk_size >= 1024, "
                                               + "request_timeout >= 1, snapshot_interval >= 0");
        abcast = getProtocolStack().findProtocol(ABCAST.class);
        if (abcast == null || abcast.getUpProtocol() != this)
            throw new IllegalStateException("RECOVERY must sit directly above ABCAST in the stack");
        if (abcast.bulk_catch_up_entries == 0) abcast.bulk_catch_up_entries = bulk_catch_up_entries;
        abcast.replica_listeners.add(h -> attach(h.replica()));
        server = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "abcast-recovery-server");
            t.setDaemon(true);
            return t;
        }, (r, ex) -> requests_shed.increment());
    }

    /** Tells the channel that state transfer is supported: JChannel.getState() then sends GET_STATE down to us. */
    @Override
    public void start() throws Exception {
        super.start();
        up_prot.up(new Event(Event.CONFIG, Map.of("state_transfer", Boolean.TRUE)));
    }

    @Override
    public Object down(Event evt) {
        if (evt.getType() == Event.GET_STATE) {
            StateTransferInfo info = evt.getArg();
            long timeout = info.timeout > 0 ? info.timeout : TimeUnit.DAYS.toMillis(1);
            Thread t = new Thread(() -> fetchState(info.target, timeout), "abcast-state-request");
            t.setDaemon(true);
            t.start();
            return null;
        }
        return down_prot.down(evt);
    }

    @Override
    public void destroy() {
        if (server != null) server.shutdownNow();
        super.destroy();
    }

    protected void attach(Replica replica) {
        if (replica == null) return; // a stand-in replica in tests
        BulkCatchUp c = new BulkCatchUp(replica, this::fetch, () -> List.copyOf(abcast.sameClusterMemberIdsInView()),
                                        chunk_size, request_timeout);
        catchUp = c;
        replica.setCatchUpHandler(c);
        replica.setSnapshotHandler(new Snapshots(), snapshot_interval);
    }

    /** Asks a member for a chunk; completes with the encoded entries or fails after request_timeout. */
    protected CompletableFuture<byte[]> fetch(String member, long fromIndex, int maxBytes) {
        Address dest = abcast.members.route(member);
        if (dest == null) return CompletableFuture.failedFuture(new IllegalStateException("no address for " + member));
        long rid = requestIds.incrementAndGet();
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        requests.put(rid, f);
        f.orTimeout(request_timeout, TimeUnit.MILLISECONDS).whenComplete((r, e) -> requests.remove(rid));
        Message m = new BytesMessage(dest).putHeader(id, RecoveryHeader.fetch(rid, fromIndex, maxBytes))
            .setFlag(Message.Flag.OOB);
        down_prot.down(m);
        return f;
    }

    @Override
    public Object up(Message msg) {
        RecoveryHeader h = msg.getHeader(id);
        if (h == null) return up_prot.up(msg);
        handle(msg, h);
        return null;
    }

    @Override
    public void up(MessageBatch batch) {
        batch.removeIf(msg -> {
            RecoveryHeader h = msg.getHeader(id);
            if (h == null) return false;
            handle(msg, h);
            return true;
        }, true);
        if (!batch.isEmpty()) up_prot.up(batch);
    }

    protected void handle(Message msg, RecoveryHeader h) {
        if (abcast.isForeign(msg.getSrc())) { // another cluster with our name: its history is not ours, nor ours its
            foreign_dropped.increment();
            return;
        }
        switch (h.type()) {
            case RecoveryHeader.FETCH -> serve(msg.getSrc(), h);
            case RecoveryHeader.CHUNK -> {
                CompletableFuture<byte[]> f = requests.remove(h.requestId());
                if (f != null) f.complete(payload(msg));
            }
            case RecoveryHeader.STATE_REQUEST -> serveStateAsync(msg.getSrc(), h);
            case RecoveryHeader.STATE_CHUNK -> {
                StateAssembly a = state_requests.get(h.requestId());
                if (a != null) a.add(h, payload(msg));
            }
            case RecoveryHeader.SNAPSHOT_OFFER -> fetchSnapshotAsync(msg.getSrc());
            case RecoveryHeader.SNAPSHOT_REQUEST -> serveSnapshot(msg.getSrc(), h);
            case RecoveryHeader.STATE_ERROR -> {
                StateAssembly a = state_requests.get(h.requestId());
                if (a != null)
                    a.done.completeExceptionally(new StateTransferException(new String(payload(msg), StandardCharsets.UTF_8)));
            }
            default -> bad_headers.increment();
        }
    }

    // ------------------------------------------------------------------ state transfer: the requester

    /** A state taken at a delivery point: it reflects every entry up to and including index, and nothing after. */
    protected record IndexedState(long index, byte[] data) {
    }

    /** The chunks of one requested state, put together (OOB chunks may arrive in any order). */
    protected static final class StateAssembly {
        final CompletableFuture<IndexedState> done = new CompletableFuture<>();
        private byte[] buf;
        private long index = -1;
        private volatile long received;

        /** Waits for the whole state as long as chunks keep coming: fails after idleMillis without one. */
        IndexedState await(long idleMillis) throws ExecutionException, InterruptedException, TimeoutException {
            for (long seen = -1; ; ) {
                try {
                    return done.get(idleMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (received == seen) throw e;
                    seen = received;
                }
            }
        }

        synchronized void add(RecoveryHeader h, byte[] part) {
            if (buf == null) {
                if (h.total() > Integer.MAX_VALUE - 16) {
                    done.completeExceptionally(new StateTransferException("state of " + h.total() + " bytes is too large"));
                    return;
                }
                buf = new byte[(int) h.total()];
                index = h.fromIndex();
            }
            if (h.fromIndex() != index || h.total() != buf.length || (long) h.maxBytes() + part.length > buf.length) {
                done.completeExceptionally(new StateTransferException("inconsistent state chunk " + h));
                return;
            }
            System.arraycopy(part, 0, buf, h.maxBytes(), part.length);
            received += part.length;
            if (received == buf.length) done.complete(new IndexedState(index, buf));
        }
    }

    /**
     * Runs one JChannel.getState(): pause this member's application delivery at its current point c, get the state of
     * the target at a delivery point i >= c, hand it to the application (setState), resume delivery with i + 1. On any
     * failure delivery resumes with c + 1, as if getState() had not been called, and getState() throws.
     */
    protected void fetchState(Address target, long timeoutMillis) {
        // Give up a little before JChannel does, so that getState() reports why rather than a bare timeout.
        long start = System.nanoTime(), deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis * 9 / 10);
        Replica rep = localReplica();
        Throwable failure = null;
        if (rep == null) {
            failure = new StateTransferException("ABCAST is not running at " + local_addr + ": connect the channel first");
        } else if (target == null) {
            failure = new StateTransferException("no member to get the state from");
        } else {
            long pausedAt;
            try {
                pausedAt = awaitPause(rep, 0, remainingMillis(deadline));
            } catch (TimeoutException e) {
                pausedAt = -1;
                failure = new StateTransferException("delivery at " + local_addr + " could not be paused within "
                                                     + timeoutMillis + " ms");
            }
            if (pausedAt >= 0) {
                long covered = pausedAt;
                // the provider may wait for its delivery point for most of the time left, then says why not
                CompletableFuture<IndexedState> reply = requestState(target, pausedAt, remainingMillis(deadline) * 3 / 4);
                try {
                    IndexedState st = reply.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    // JChannel calls Receiver.setState on this thread; delivery is paused, so no receive() interleaves
                    up_prot.up(new Event(Event.STATE_TRANSFER_INPUTSTREAM, new ByteArrayInputStream(st.data())));
                    covered = st.index();
                    states_installed.increment();
                    last_state_transfer = String.format("state at index %d, %d bytes, from %s in %d ms", st.index(),
                                                        st.data().length, target,
                                                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    log.info("%s: installed the %s (this member had delivered up to %d)", local_addr,
                             last_state_transfer, pausedAt);
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (TimeoutException e) {
                    failure = new StateTransferException("no state from " + target + " within " + timeoutMillis * 9 / 10
                                                         + " ms (is it connected, with ABCAST and RECOVERY in its stack?)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = e;
                } catch (Throwable t) { // the application's setState failed
                    failure = t.getCause() != null ? t.getCause() : t;
                } finally {
                    reply.cancel(false); // forgets the request if it is still open (late chunks are dropped)
                    rep.resumeDelivery(covered);
                }
            }
        }
        if (failure != null) log.warn("%s: state transfer from %s failed: %s", local_addr, target, failure.getMessage());
        up_prot.up(new Event(Event.STATE_TRANSFER_INPUTSTREAM_CLOSED,
                             failure == null ? new StateTransferResult() : new StateTransferResult(failure)));
    }

    /** Asks target for its application state at a delivery point at or after minIndex. */
    protected CompletableFuture<IndexedState> requestState(Address target, long minIndex, long waitMillis) {
        long rid = requestIds.incrementAndGet();
        StateAssembly a = new StateAssembly();
        state_requests.put(rid, a);
        a.done.whenComplete((r, e) -> state_requests.remove(rid));
        down_prot.down(new EmptyMessage(target).putHeader(id, RecoveryHeader.stateRequest(rid, minIndex, waitMillis))
                           .setFlag(Message.Flag.OOB));
        return a.done;
    }

    /** Pauses application delivery at or after minIndex; returns the delivery point. Nothing stays paused on timeout. */
    protected static long awaitPause(Replica rep, long minIndex, long timeoutMillis) throws TimeoutException {
        return awaitGrant(rep.pauseDelivery(minIndex), timeoutMillis);
    }

    /** Waits for a pause to be granted; on timeout withdraws the request, or keeps the pause if granted meanwhile. */
    protected static <T> T awaitGrant(CompletableFuture<T> f, long timeoutMillis) throws TimeoutException {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (f.cancel(false) || f.isCompletedExceptionally()) throw new TimeoutException();
            return f.join(); // granted just as we gave up: it is ours to resume
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    protected Replica localReplica() {
        ReplicaHandle h = abcast.replica;
        return h == null ? null : h.replica();
    }

    // ------------------------------------------------------------------ state transfer: the provider

    protected void serveStateAsync(Address requester, RecoveryHeader h) {
        if (requester == null) return;
        if (states_serving.incrementAndGet() > MAX_CONCURRENT_STATES_SERVED) {
            states_serving.decrementAndGet();
            sendStateError(requester, h.requestId(), local_addr + " is busy serving other state transfers; retry");
            return;
        }
        Thread t = new Thread(() -> {
            try {
                serveState(requester, h);
            } finally {
                states_serving.decrementAndGet();
            }
        }, "abcast-state-provider");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Pauses this member's application delivery at a point i at or after the requester's, takes the application's
     * state there (Receiver.getState, off the replica's loop, which keeps replicating), resumes, and sends the state.
     */
    protected void serveState(Address requester, RecoveryHeader h) {
        Replica rep = localReplica();
        if (rep == null) {
            sendStateError(requester, h.requestId(), "ABCAST is not running at " + local_addr);
            return;
        }
        long at;
        try {
            at = awaitPause(rep, h.fromIndex(), h.total());
        } catch (TimeoutException e) {
            sendStateError(requester, h.requestId(), local_addr + " had not delivered up to index " + h.fromIndex()
                                                     + " within " + h.total() + " ms");
            return;
        }
        byte[] state;
        try {
            state = applicationState();
        } catch (Exception e) {
            sendStateError(requester, h.requestId(), "the application at " + local_addr + " cannot provide its state "
                                                     + "(Receiver.getState): " + e.getMessage());
            return;
        } finally {
            rep.resumeDelivery(at);
        }
        states_served.increment(); // counted before it goes: the requester may be done before the last send returns
        state_bytes_served.add(state.length);
        sendChunks(requester, h.requestId(), at, state);
        log.info("%s: served the application state at index %d (%d bytes) to %s", local_addr, at, state.length,
                 requester);
    }

    /** The application's state, taken now (delivery must be paused): JChannel calls Receiver.getState. */
    protected byte[] applicationState() throws Exception {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            up_prot.up(new Event(Event.STATE_TRANSFER_OUTPUTSTREAM, out));
            return out.toByteArray();
        } catch (Throwable t) {
            Throwable cause = t.getCause() != null ? t.getCause() : t;
            throw new Exception(String.valueOf(cause), cause);
        }
    }

    /** Sends a state (or snapshot) taken at index in chunks of chunk_size; at least one chunk, even when empty. */
    protected void sendChunks(Address requester, long requestId, long index, byte[] data) {
        int off = 0;
        do {
            int n = Math.min(chunk_size, data.length - off);
            down_prot.down(new BytesMessage(requester, data, off, n)
                               .putHeader(id, RecoveryHeader.stateChunk(requestId, index, off, data.length))
                               .setFlag(Message.Flag.OOB));
            off += n;
        } while (off < data.length);
    }

    protected void sendStateError(Address requester, long requestId, String why) {
        log.warn("%s: state request from %s refused: %s", local_addr, requester, why);
        down_prot.down(new BytesMessage(requester, why.getBytes(StandardCharsets.UTF_8))
                           .putHeader(id, RecoveryHeader.stateError(requestId)).setFlag(Message.Flag.OOB));
    }

    protected void serve(Address requester, RecoveryHeader h) {
        ReplicaHandle r = abcast.replica;
        if (requester == null || r == null) return; // the requester times out and asks someone else
        int max = Math.min(Math.max(h.maxBytes(), 1024), chunk_size);
        r.readCommittedChunk(h.fromIndex(), max).thenAcceptAsync(chunk -> {
            down_prot.down(new BytesMessage(requester, chunk).putHeader(id, RecoveryHeader.chunk(h.requestId()))
                               .setFlag(Message.Flag.OOB));
            chunks_served.increment();
            bytes_served.add(chunk.length);
        }, server);
    }

    private static byte[] payload(Message msg) {
        if (!msg.hasArray()) return new byte[0];
        byte[] a = msg.getArray();
        int off = msg.getOffset(), len = msg.getLength();
        return off == 0 && len == a.length ? a : Arrays.copyOfRange(a, off, off + len);
    }

    // ------------------------------------------------------------------ compaction and snapshot transfer

    protected final AtomicBoolean snapshot_fetch_running = new AtomicBoolean();
    protected final LongAdder snapshots_taken = new LongAdder(), snapshots_installed = new LongAdder(),
        snapshots_served = new LongAdder();
    protected volatile String last_snapshot = "-", last_snapshot_transfer = "-";
    protected volatile boolean no_state_reported;

    /** The replica's snapshot handler: takes snapshots, offers them to members that need them. */
    protected class Snapshots implements SnapshotHandler {
        @Override
        public void snapshotDue() {
            Thread t = new Thread(RECOVERY.this::takeSnapshot, "abcast-snapshot");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void snapshotNeeded(String member) {
            Address dest = abcast.members.route(member);
            if (dest == null) return; // asked again while the member stays behind
            // sent from the replica's loop thread, which must not block on flow-control credits
            down_prot.down(new EmptyMessage(dest).putHeader(id, RecoveryHeader.snapshotOffer())
                               .setFlag(Message.Flag.OOB, Message.Flag.NO_FC));
        }
    }

    /**
     * Takes a snapshot: pauses application delivery where the engine is at the same index i, takes the application's
     * state there (off the replica's loop), resumes, stores both durably and compacts the log up to i.
     */
    protected void takeSnapshot() {
        Replica rep = localReplica();
        if (rep == null) return;
        long start = System.nanoTime();
        SnapshotMeta meta;
        try {
            meta = awaitGrant(rep.pauseForSnapshot(), Math.max(30_000, request_timeout));
        } catch (TimeoutException e) {
            rep.snapshotFailed();
            return;
        }
        byte[] state;
        try {
            state = applicationState();
        } catch (Exception e) {
            rep.resumeDelivery(meta.index());
            rep.snapshotFailed();
            if (!no_state_reported) {
                no_state_reported = true;
                log.warn("%s: snapshot_interval=%d but the application provides no state, so the log is not "
                         + "compacted: %s", local_addr, snapshot_interval, e.getMessage());
            }
            return;
        }
        rep.resumeDelivery(meta.index());
        try {
            rep.saveSnapshot(meta, state);
        } catch (Exception e) {
            log.error("%s: storing the snapshot at index %d failed: %s", local_addr, meta.index(), e);
            return;
        }
        snapshots_taken.increment();
        last_snapshot = String.format("index %d, %d bytes of application state, taken and stored in %d ms",
                                      meta.index(), state.length,
                                      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The leader offered its snapshot: fetch it from the leader and install it (one transfer at a time). */
    protected void fetchSnapshotAsync(Address from) {
        if (from == null || !snapshot_fetch_running.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try {
                fetchSnapshot(from);
            } finally {
                snapshot_fetch_running.set(false);
            }
        }, "abcast-snapshot-fetch");
        t.setDaemon(true);
        t.start();
    }

    protected void fetchSnapshot(Address from) {
        Replica rep = localReplica();
        if (rep == null) return;
        long start = System.nanoTime(), rid = requestIds.incrementAndGet();
        StateAssembly a = new StateAssembly();
        state_requests.put(rid, a);
        a.done.whenComplete((r, e) -> state_requests.remove(rid));
        log.info("%s: fetching the snapshot of %s (this member needs entries it compacted)", local_addr, from);
        down_prot.down(new EmptyMessage(from).putHeader(id, RecoveryHeader.snapshotRequest(rid)).setFlag(Message.Flag.OOB));
        try {
            IndexedState st = a.await(request_timeout);
            boolean adopted = rep.installSnapshot(st.data()).get(Math.max(30_000, request_timeout), TimeUnit.MILLISECONDS);
            if (!adopted) return;
            last_snapshot_transfer = String.format("snapshot at index %d, %d bytes, from %s in %d ms", st.index(),
                                                   st.data().length, from,
                                                   TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            snapshots_installed.increment();
            log.info("%s: installed the %s", local_addr, last_snapshot_transfer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            a.done.cancel(false);
            log.warn("%s: fetching the snapshot of %s failed (the leader offers it again): %s", local_addr, from,
                     e instanceof ExecutionException ? e.getCause() : "no chunk for " + request_timeout + " ms");
        }
    }

    /** Sends this member's newest snapshot, read from its data directory, in chunks. */
    protected void serveSnapshot(Address requester, RecoveryHeader h) {
        Replica rep = localReplica();
        if (requester == null || rep == null) return; // the requester gives up; the leader offers again
        server.execute(() -> {
            Optional<Snapshot> s;
            try {
                s = rep.latestSnapshot();
            } catch (Exception e) {
                s = Optional.empty();
            }
            if (s.isEmpty()) {
                sendStateError(requester, h.requestId(), local_addr + " has no snapshot");
                return;
            }
            snapshots_served.increment();
            sendChunks(requester, h.requestId(), s.get().index(), s.get().data());
            log.info("%s: sent the snapshot at index %d (%d bytes) to %s", local_addr, s.get().index(),
                     s.get().data().length, requester);
        });
    }

    // ------------------------------------------------------------------ JMX / probe

    @ManagedAttribute(description = "Snapshots this member took (compaction)")
    public long getSnapshotsTaken() {
        return snapshots_taken.sum();
    }

    @ManagedAttribute(description = "Snapshots this member received from the leader and installed")
    public long getSnapshotsInstalled() {
        return snapshots_installed.sum();
    }

    @ManagedAttribute(description = "Snapshots this member sent to members that needed compacted entries")
    public long getSnapshotsServed() {
        return snapshots_served.sum();
    }

    @ManagedAttribute(description = "The last snapshot taken here: index, size, duration")
    public String getLastSnapshot() {
        return last_snapshot;
    }

    @ManagedAttribute(description = "The last snapshot installed here: index, size, source, duration")
    public String getLastSnapshotTransfer() {
        return last_snapshot_transfer;
    }

    @ManagedAttribute(description = "True while this member fetches history in bulk")
    public boolean isCatchingUp() {
        BulkCatchUp c = catchUp;
        return c != null && c.active();
    }

    @ManagedAttribute(description = "Bulk catch-up sessions started")
    public long getCatchUpSessions() {
        BulkCatchUp c = catchUp;
        return c == null ? 0 : c.sessions();
    }

    @ManagedAttribute(description = "Entries fetched in bulk")
    public long getEntriesFetched() {
        BulkCatchUp c = catchUp;
        return c == null ? 0 : c.entriesFetched();
    }

    @ManagedAttribute(description = "Bytes fetched in bulk", type = AttributeType.BYTES)
    public long getBytesFetched() {
        BulkCatchUp c = catchUp;
        return c == null ? 0 : c.bytesFetched();
    }

    @ManagedAttribute(description = "Index reached / commit index aimed at by the current or last catch-up")
    public String getCatchUpProgress() {
        BulkCatchUp c = catchUp;
        return c == null ? "-" : c.progress();
    }

    @ManagedAttribute(description = "Chunks served to catching-up members")
    public long getChunksServed() {
        return chunks_served.sum();
    }

    @ManagedAttribute(description = "Bytes served to catching-up members", type = AttributeType.BYTES)
    public long getBytesServed() {
        return bytes_served.sum();
    }

    @ManagedAttribute(description = "Fetch requests dropped because the server queue was full")
    public long getRequestsShed() {
        return requests_shed.sum();
    }

    @ManagedAttribute(description = "Application states served to members calling JChannel.getState()")
    public long getStatesServed() {
        return states_served.sum();
    }

    @ManagedAttribute(description = "Bytes of application state served", type = AttributeType.BYTES)
    public long getStateBytesServed() {
        return state_bytes_served.sum();
    }

    @ManagedAttribute(description = "Application states this member installed through JChannel.getState()")
    public long getStatesInstalled() {
        return states_installed.sum();
    }

    @ManagedAttribute(description = "The last state this member installed: index, size, provider, duration")
    public String getLastStateTransfer() {
        return last_state_transfer;
    }

    @ManagedAttribute(description = "Messages with a malformed RECOVERY header, dropped")
    public long getBadHeaders() {
        return bad_headers.sum();
    }

    @ManagedAttribute(description = "RECOVERY messages from members of another cluster with the same name, dropped")
    public long getForeignDropped() {
        return foreign_dropped.sum();
    }
}
