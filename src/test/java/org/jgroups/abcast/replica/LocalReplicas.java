package org.jgroups.abcast.replica;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Replicas in one JVM with real data directories, connected by direct calls instead of a network. */
final class LocalReplicas implements AutoCloseable {
    final Path root;
    final List<String> initialMembers;
    final Map<String, Replica> replicas = new ConcurrentHashMap<>();
    final Map<String, List<String>> delivered = new ConcurrentHashMap<>();
    final Set<String> isolated = ConcurrentHashMap.newKeySet();

    LocalReplicas(Path root, String... initialMembers) {
        this.root = root;
        this.initialMembers = List.of(initialMembers);
    }

    int bulkCatchUpEntries;
    final Map<String, BulkCatchUp> catchUps = new ConcurrentHashMap<>();
    /** Catch-up chunks requested from each member. */
    final Map<String, AtomicInteger> chunksServed = new ConcurrentHashMap<>();

    Replica start(String member) throws IOException {
        List<String> log = new CopyOnWriteArrayList<>();
        delivered.put(member, log);
        ReplicaOptions o = ReplicaOptions.defaults(member, "test-cluster", root.resolve(member), initialMembers)
            .withTiming(5, 20, 4).withWindow(1000, 16 << 20, 3000).withBulkCatchUp(bulkCatchUpEntries);
        Replica r = Replica.open(o, (to, bytes) -> {
            Replica target = replicas.get(to);
            Replica self = replicas.get(member);
            if (target != null && self != null && !isolated.contains(to) && !isolated.contains(member))
                target.receive(self.clusterUuid(), bytes);
        }, d -> log.add(new String(d.payload(), StandardCharsets.UTF_8)));
        // The recovery layer without a network: chunks are read directly from the chosen member's replica.
        BulkCatchUp catchUp = new BulkCatchUp(r, (from, index, maxBytes) -> {
            Replica source = replicas.get(from);
            chunksServed.computeIfAbsent(from, k -> new AtomicInteger()).incrementAndGet();
            return source == null ? CompletableFuture.failedFuture(new IllegalStateException(from + " is gone"))
                                  : source.readCommittedChunk(index, maxBytes);
        }, () -> List.copyOf(replicas.keySet()), 1 << 20, 5_000);
        r.setCatchUpHandler(catchUp);
        catchUps.put(member, catchUp);
        replicas.put(member, r);
        announceView();
        return r;
    }

    void stop(String member) {
        Replica r = replicas.remove(member);
        if (r != null) r.close();
        announceView();
    }

    void announceView() {
        Set<String> view = Set.copyOf(replicas.keySet());
        replicas.values().forEach(r -> r.membersHint(view));
    }

    Replica replica(String m) {
        return replicas.get(m);
    }

    String leader() {
        for (Replica r : replicas.values())
            if (r.status().role() == org.jgroups.abcast.core.Role.LEADER) return r.memberId();
        return null;
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        replicas.keySet().forEach(this::stop);
    }
}
