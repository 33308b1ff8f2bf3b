package org.jgroups.abcast.bench;

import org.jgroups.JChannel;
import org.jgroups.View;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A jgroups-raft member: a RaftHandle over the channel, with a state machine whose apply is the delivery, and
 * submissions through the asynchronous API so many requests are in flight.
 * <p>
 * jgroups-raft runs in its own JVM against the JGroups it was built for (target/bench-raft-lib), so it is not on the
 * Maven classpath; it is reached by reflection here (a handful of calls, none on a hot path except the submit, which
 * goes through a method handle).
 */
final class RaftSystem implements MemberSystem {
    private final String stackFile, name, cluster;
    private final int members;
    private final AtomicLong failed = new AtomicLong(), pending = new AtomicLong();
    private JChannel channel;
    private Object handle;
    private MethodHandle setAsync, leader;
    private Object options;
    private volatile Throwable firstFailure;
    private Sink sink;

    RaftSystem(String stackFile, String name, String cluster, int members) {
        this.stackFile = stackFile;
        this.name = name;
        this.cluster = cluster;
        this.members = members;
    }

    @Override
    public void start(Sink sink) throws Exception {
        this.sink = sink;
        ClassLoader cl = RaftSystem.class.getClassLoader();
        Class<?> smType = Class.forName("org.jgroups.raft.StateMachine", true, cl);
        Class<?> handleType = Class.forName("org.jgroups.raft.RaftHandle", true, cl);
        Class<?> optionsType = Class.forName("org.jgroups.raft.Options", true, cl);
        Object stateMachine = Proxy.newProxyInstance(cl, new Class<?>[]{smType}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "apply":
                    sink.deliver((byte[]) args[0], (Integer) args[1], (Integer) args[2]);
                    return null;
                case "readContentFrom":
                case "writeContentTo":
                    return null; // the benchmark's state is empty: snapshots carry nothing
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "bench-state-machine";
                default:
                    throw new UnsupportedOperationException(method.toString());
            }
        });
        channel = new JChannel(stackFile);
        channel.setName(name);
        handle = handleType.getConstructor(JChannel.class, smType).newInstance(channel, stateMachine);
        Method create = optionsType.getMethod("create", boolean.class);
        options = create.invoke(null, true); // ignore return values: apply returns nothing anyway
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        setAsync = lookup.findVirtual(handleType, "setAsync",
                                      MethodType.methodType(CompletableFuture.class, byte[].class, int.class, int.class,
                                                            optionsType));
        leader = lookup.findVirtual(handleType, "leader", MethodType.methodType(org.jgroups.Address.class));
        channel.connect(cluster);
    }

    /**
     * A request is complete when its future completes: committed and applied at the leader, which answered. A
     * follower applies it only when it learns the new commit index, with the leader's next append (or after
     * resend_interval when traffic stops; send_commits_immediately=true, which would send it at once, slows
     * jgroups-raft 1.1.4 down by an order of magnitude here), so its own apply is not a fair completion point.
     */
    @Override
    public boolean completesOnOwnDelivery() {
        return false;
    }

    @Override
    public String notReadyReason() {
        View v = channel.getView();
        if (v == null || v.size() < members) return "view " + v + " has fewer than " + members + " members";
        try {
            Object l = leader.invoke(handle);
            return l == null ? "no RAFT leader known yet" : null;
        } catch (Throwable t) {
            return "leader(): " + t;
        }
    }

    @Override
    public void send(byte[] payload) throws Exception {
        CompletableFuture<?> f;
        try {
            f = (CompletableFuture<?>) setAsync.invoke(handle, payload, 0, payload.length, options);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        pending.incrementAndGet();
        long sendNanos = Payload.sendNanos(payload, 0);
        f.whenComplete((r, t) -> {
            pending.decrementAndGet();
            if (t != null) {
                failed.incrementAndGet();
                if (firstFailure == null) firstFailure = t;
            } else {
                sink.ownCompleted(sendNanos);
            }
        });
    }

    @Override
    public String stats() {
        Throwable t = firstFailure;
        return "raft_failed_requests=" + failed.get() + " raft_pending_requests=" + pending.get() + (t == null ? "" : " raft_first_failure=" + (t.getClass().getSimpleName() + ":" + t.getMessage()).replaceAll("\\s+", "_"));
    }

    @Override
    public void close() {
        if (channel != null) channel.close();
    }
}
