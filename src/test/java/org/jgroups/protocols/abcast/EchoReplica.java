package org.jgroups.protocols.abcast;

import org.jgroups.abcast.core.Role;
import org.jgroups.abcast.replica.Delivery;
import org.jgroups.abcast.replica.DeliveryListener;
import org.jgroups.abcast.replica.PeerTransport;
import org.jgroups.abcast.replica.ReplicaOptions;
import org.jgroups.abcast.replica.ReplicaStatus;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in replica for testing the JGroups plumbing of ABCAST alone: it does NOT order anything. A submission is
 * sent through the {@link PeerTransport} to every member id of the last hint (itself included); whatever arrives is
 * delivered on a single "loop" thread with a local counter as index. Malformed input is counted, never thrown.
 */
final class EchoReplica implements ReplicaHandle {
    final ReplicaOptions options;
    private final PeerTransport transport;
    private final DeliveryListener listener;
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "echo-loop"));
    private final Map<Long, CompletableFuture<Delivery>> pending = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong(), index = new AtomicLong(), malformed = new AtomicLong();
    volatile Set<String> hint = Set.of();

    EchoReplica(ReplicaOptions options, PeerTransport transport, DeliveryListener listener) {
        this.options = options;
        this.transport = transport;
        this.listener = listener;
    }

    @Override
    public CompletableFuture<Delivery> submit(byte[] payload) {
        long s = seq.incrementAndGet();
        CompletableFuture<Delivery> f = new CompletableFuture<>();
        pending.put(s, f);
        byte[] bytes = encode(options.memberId(), s, payload);
        loop.execute(() -> hint.forEach(m -> transport.send(m, bytes)));
        return f;
    }

    @Override
    public void receive(String senderCluster, byte[] encoded) {
        loop.execute(() -> {
            ByteBuffer buf = ByteBuffer.wrap(encoded);
            try {
                byte[] o = new byte[buf.getShort()];
                buf.get(o);
                String origin = new String(o, StandardCharsets.UTF_8);
                long s = buf.getLong();
                byte[] payload = new byte[buf.remaining()];
                buf.get(payload);
                Delivery d = new Delivery(index.incrementAndGet(), 1, origin, 1, s, payload);
                listener.deliver(d);
                if (origin.equals(options.memberId())) {
                    CompletableFuture<Delivery> f = pending.remove(s);
                    if (f != null) f.complete(d);
                }
            } catch (RuntimeException e) {
                malformed.incrementAndGet();
            }
        });
    }

    @Override
    public void membersHint(Set<String> memberIds) {
        hint = Set.copyOf(memberIds);
    }

    @Override
    public ReplicaStatus status() {
        String me = options.memberId();
        long i = index.get();
        return new ReplicaStatus(me, Role.LEADER, me, 1, i, i, i, i, Set.of(me), Set.of(), pending.size(), i,
                                 seq.get(), malformed.get(), 1, "echo");
    }

    @Override
    public void close() {
        loop.shutdownNow();
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
    }

    static byte[] encode(String origin, long s, byte[] payload) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            byte[] o = origin.getBytes(StandardCharsets.UTF_8);
            out.writeShort(o.length);
            out.write(o);
            out.writeLong(s);
            out.write(payload);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
