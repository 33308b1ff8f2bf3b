package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.annotations.MBean;
import org.jgroups.annotations.ManagedAttribute;
import org.jgroups.annotations.Property;
import org.jgroups.abcast.replica.BulkCatchUp;
import org.jgroups.abcast.replica.Replica;
import org.jgroups.conf.AttributeType;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The recovery layer: brings a lagging, new or restarted member up to date in bulk, so that ABCAST's steady-state
 * path stays lean. When the member's replica falls more than {@code bulk_catch_up_entries} behind the leader, this
 * protocol fetches the committed history in chunks of {@code chunk_size} from any other member (not only the leader),
 * one request in flight, resuming from the replica's commit index after each chunk and switching member on a
 * failure or timeout. Live traffic continues meanwhile; the leader's stream takes over once the member is close.
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

    protected ABCAST abcast;
    protected volatile BulkCatchUp catchUp;
    protected final Map<Long, CompletableFuture<byte[]>> requests = new ConcurrentHashMap<>();
    protected final AtomicLong requestIds = new AtomicLong();
    /** Serves chunks off the replica's loop thread; bounded, so a flood of requests is shed, not queued forever. */
    protected ExecutorService server;

    protected final LongAdder chunks_served = new LongAdder(), bytes_served = new LongAdder(),
        requests_shed = new LongAdder(), bad_headers = new LongAdder();

    @Override
    public void init() throws Exception {
        super.init();
        if (bulk_catch_up_entries < 1 || chunk_size < 1024 || request_timeout < 1)
            throw new IllegalArgumentException("RECOVERY: bulk_catch_up_entries must be >= 1, chunk_size >= 1024, "
                                               + "request_timeout >= 1");
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

    @Override
    public void destroy() {
        if (server != null) server.shutdownNow();
        super.destroy();
    }

    protected void attach(Replica replica) {
        if (replica == null) return; // a stand-in replica in tests
        BulkCatchUp c = new BulkCatchUp(replica, this::fetch, () -> List.copyOf(abcast.members.memberIdsInView()),
                                        chunk_size, request_timeout);
        catchUp = c;
        replica.setCatchUpHandler(c);
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
        switch (h.type()) {
            case RecoveryHeader.FETCH -> serve(msg.getSrc(), h);
            case RecoveryHeader.CHUNK -> {
                CompletableFuture<byte[]> f = requests.remove(h.requestId());
                if (f != null) f.complete(payload(msg));
            }
            default -> bad_headers.increment();
        }
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

    // ------------------------------------------------------------------ JMX / probe

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

    @ManagedAttribute(description = "Messages with a malformed RECOVERY header, dropped")
    public long getBadHeaders() {
        return bad_headers.sum();
    }
}
