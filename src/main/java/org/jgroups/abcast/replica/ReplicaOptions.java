package org.jgroups.abcast.replica;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of one {@link Replica}. The JGroups protocol maps its {@code @Property} fields onto these.
 *
 * @param memberId            stable id of this member (survives restarts; default in ABCAST: the logical name)
 * @param clusterName         name of the cluster; a data directory of another cluster is refused
 * @param dataDir             this member's data directory (log, metadata, snapshots)
 * @param initialMembers      members of a brand-new cluster; the first of them bootstraps it when its data directory
 *                            is new, the others join it automatically (empty: this member never bootstraps)
 * @param fsync               force every batch to disk before acknowledging it (turn off only for benchmarks)
 * @param tickMillis          length of one logical tick
 * @param electionTicks       ticks without a leader before an election (randomized up to twice that)
 * @param heartbeatTicks      ticks between leader heartbeats
 * @param maxInflightMessages this member's submissions not yet committed before {@code submit} blocks
 * @param maxInflightBytes    the same limit in payload bytes
 * @param sendTimeoutMillis   how long {@code submit} waits for room in the window (no leader, no quorum) before failing
 * @param maxBatchBytes       approximate bytes per append or forward message
 * @param bulkCatchUpEntries  a member this many entries behind the leader's commit index fetches the history in bulk
 *                            through a catch-up handler (the recovery layer) instead of the leader's stream (0: never)
 * @param faultTicks          the leader removes a member missing from the views this many ticks (0: never)
 * @param minVoters           automatic removal of faulty members never shrinks the voters below this
 * @param promoteLagEntries   a learner is promoted to voter once it is within this many entries of the leader's log
 * @param directIo            write the log with direct I/O where the file system allows it (see
 *                            {@link org.jgroups.abcast.log.LogOptions#directIo()})
 */
public record ReplicaOptions(String memberId, String clusterName, Path dataDir, List<String> initialMembers,
                             boolean fsync, int tickMillis, int electionTicks, int heartbeatTicks,
                             int maxInflightMessages, long maxInflightBytes, long sendTimeoutMillis,
                             int maxBatchBytes, int bulkCatchUpEntries, int faultTicks, int minVoters,
                             int promoteLagEntries, boolean directIo) {
    public ReplicaOptions {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(dataDir, "dataDir");
        initialMembers = List.copyOf(initialMembers);
        if (memberId.isBlank()) throw new IllegalArgumentException("memberId must not be blank");
        if (tickMillis < 1) throw new IllegalArgumentException("tickMillis must be >= 1");
        if (maxInflightMessages < 1 || maxInflightBytes < 1 || maxBatchBytes < 1 || sendTimeoutMillis < 0
            || bulkCatchUpEntries < 0 || faultTicks < 0 || minVoters < 1 || promoteLagEntries < 0)
            throw new IllegalArgumentException("limits must be positive");
    }

    /** Without bulk catch-up (the leader streams all history itself). */
    public ReplicaOptions(String memberId, String clusterName, Path dataDir, List<String> initialMembers, boolean fsync,
                          int tickMillis, int electionTicks, int heartbeatTicks, int maxInflightMessages,
                          long maxInflightBytes, long sendTimeoutMillis, int maxBatchBytes) {
        this(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks, heartbeatTicks,
             maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes, 0, 0, 3, 100, true);
    }

    public ReplicaOptions withMembership(int faultTicks, int minVoters) {
        return withMembership(faultTicks, minVoters, promoteLagEntries);
    }

    public ReplicaOptions withMembership(int faultTicks, int minVoters, int promoteLagEntries) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  bulkCatchUpEntries, faultTicks, minVoters, promoteLagEntries, directIo);
    }

    public ReplicaOptions withBulkCatchUp(int entries) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  entries, faultTicks, minVoters, promoteLagEntries, directIo);
    }

    public static ReplicaOptions defaults(String memberId, String clusterName, Path dataDir, List<String> initialMembers) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, true, 10, 50, 10, 10_000,
                                  64L * 1024 * 1024, 10_000, 256 * 1024, 0, 0, 3, 100, true);
    }

    public ReplicaOptions withFsync(boolean on) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, on, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  bulkCatchUpEntries, faultTicks, minVoters, promoteLagEntries, directIo);
    }

    public ReplicaOptions withTiming(int tickMillis, int electionTicks, int heartbeatTicks) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  bulkCatchUpEntries, faultTicks, minVoters, promoteLagEntries, directIo);
    }

    public ReplicaOptions withWindow(int maxInflightMessages, long maxInflightBytes, long sendTimeoutMillis) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  bulkCatchUpEntries, faultTicks, minVoters, promoteLagEntries, directIo);
    }

    public ReplicaOptions withDirectIo(boolean on) {
        return new ReplicaOptions(memberId, clusterName, dataDir, initialMembers, fsync, tickMillis, electionTicks,
                                  heartbeatTicks, maxInflightMessages, maxInflightBytes, sendTimeoutMillis, maxBatchBytes,
                                  bulkCatchUpEntries, faultTicks, minVoters, promoteLagEntries, on);
    }
}
