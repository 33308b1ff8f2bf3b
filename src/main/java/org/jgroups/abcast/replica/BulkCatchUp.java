package org.jgroups.abcast.replica;

import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The transport-independent half of the recovery layer: when a replica falls far behind, fetch the committed history
 * in chunks from any other member (followers before the leader), one chunk in flight, resuming from the replica's commit
 * index after every chunk, switching to another member when one fails, times out or has nothing to give. Live
 * traffic continues meanwhile: the leader keeps ordering, and its stream takes over once the replica is close.
 *
 * <p>Runs each session on its own daemon thread so neither the replica's loop nor a JGroups thread ever waits.
 */
public final class BulkCatchUp implements CatchUpHandler {
    private static final Log log = LogFactory.getLog(BulkCatchUp.class);

    /** Fetches one encoded chunk from a member (a network round trip in the recovery protocol). */
    public interface ChunkSource {
        CompletableFuture<byte[]> fetch(String member, long fromIndex, int maxBytes);
    }

    private final Replica replica;
    private final ChunkSource source;
    private final Supplier<List<String>> candidates;
    private final int chunkBytes;
    private final long requestTimeoutMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Random random = new Random();

    // progress, for operators (JMX) and the INFO log
    private volatile long sessions, entriesFetched, bytesFetched, currentTarget, currentIndex;
    private volatile long sessionStartNanos;
    private volatile String leader; // as reported by the last catchUpWanted

    /**
     * @param candidates the members to fetch from (typically the current view minus this member)
     */
    public BulkCatchUp(Replica replica, ChunkSource source, Supplier<List<String>> candidates, int chunkBytes,
                       long requestTimeoutMillis) {
        this.replica = replica;
        this.source = source;
        this.candidates = candidates;
        this.chunkBytes = chunkBytes;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    @Override
    public void catchUpWanted(long fromIndex, long leaderCommitIndex, String leader) {
        currentTarget = leaderCommitIndex;
        this.leader = leader;
        if (!running.compareAndSet(false, true)) return; // a session is already running; it resumes from the commit
        Thread t = new Thread(() -> {
            try {
                runSession(fromIndex);
            } finally {
                running.set(false);
            }
        }, "abcast-catch-up[" + replica.memberId() + "]");
        t.setDaemon(true);
        t.start();
    }

    private void runSession(long from) {
        sessions++;
        sessionStartNanos = System.nanoTime();
        long entriesAtStart = entriesFetched, bytesAtStart = bytesFetched, lastReport = System.nanoTime();
        log.info("%s: catching up in bulk from index %d towards %d", replica.memberId(), from, currentTarget);
        List<String> tried = new ArrayList<>();
        String member = null;
        while (from > 0) {
            if (member == null) member = pickSource(tried);
            if (member == null) { // every member failed or had nothing: the leader's stream takes over
                log.info("%s: no member could serve index %d; leaving catch-up to the leader", replica.memberId(), from);
                replica.abandonCatchUp();
                return;
            }
            byte[] chunk;
            try {
                chunk = source.fetch(member, from, chunkBytes).get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.debug("%s: catch-up fetch from %s failed: %s", replica.memberId(), member, e);
                tried.add(member);
                member = null;
                continue;
            }
            long next;
            try {
                next = replica.installCommittedChunk(chunk).get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                tried.add(member);
                member = null;
                continue;
            }
            if (next > 0 && next <= from) { // nothing new from this member
                tried.add(member);
                member = null;
                continue;
            }
            tried.clear();
            if (next > 0) {
                entriesFetched += next - from;
                currentIndex = next - 1;
            }
            bytesFetched += chunk.length;
            from = next;
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                log.info("%s: catch-up at index %d of %d, %s", replica.memberId(), currentIndex, currentTarget,
                         describeRate(entriesFetched - entriesAtStart, bytesFetched - bytesAtStart));
            }
        }
        log.info("%s: bulk catch-up done at index %d: %s", replica.memberId(), currentIndex,
                 describeRate(entriesFetched - entriesAtStart, bytesFetched - bytesAtStart));
    }

    private String pickSource(List<String> tried) {
        List<String> options = new ArrayList<>(candidates.get());
        options.remove(replica.memberId());
        options.removeAll(tried);
        if (options.isEmpty()) return null;
        Collections.shuffle(options, random); // spread the load; any member's committed entries are the same
        // The leader orders and replicates every message, so under load it is the cluster's bottleneck: serving a
        // catch-up there (log reads and encoding on its loop) slows everybody, the catching-up member included.
        // Followers serve first; the leader only when no other member can.
        if (options.size() > 1 && options.get(0).equals(leader))
            Collections.swap(options, 0, 1 + random.nextInt(options.size() - 1));
        return options.get(0);
    }

    private String describeRate(long entries, long bytes) {
        double secs = Math.max(1e-3, (System.nanoTime() - sessionStartNanos) / 1e9);
        double entriesPerSec = entries / secs;
        long left = Math.max(0, currentTarget - currentIndex);
        return String.format("%d entries, %.1f MB in %.1f s (%.0f entries/s, %.1f MB/s, about %.0f s left)", entries,
                             bytes / 1e6, secs, entriesPerSec, bytes / 1e6 / secs,
                             entriesPerSec > 0 ? left / entriesPerSec : 0.0);
    }

    public boolean active() {
        return running.get();
    }

    public long sessions() {
        return sessions;
    }

    public long entriesFetched() {
        return entriesFetched;
    }

    public long bytesFetched() {
        return bytesFetched;
    }

    /** Index the current (or last) session reached, and the commit index it aims at. */
    public String progress() {
        return currentIndex + "/" + currentTarget;
    }
}
