package org.jgroups.abcast.core;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Static settings of one engine.
 *
 * @param memberId           stable member id (survives restarts)
 * @param storageId          id of this member's data directory, new whenever the directory is created afresh
 * @param incarnation        process life number, persisted and incremented on every start
 * @param electionTicks      a follower that hears nothing from a leader for electionTicks..2*electionTicks-1 ticks
 *                           starts an election; a leader that hears from no majority for electionTicks steps down
 * @param heartbeatTicks     ticks between leader heartbeats (must be well below electionTicks)
 * @param maxInflightAppends append requests with entries in flight per follower before the leader waits for acks
 * @param maxAppendBytes     approximate bytes of entries per append or forward message
 * @param maxApplyBytes      approximate bytes of committed entries handed out per {@link Ready}
 * @param resendTicks        a member resends its unconfirmed submissions when none of them committed for this long
 * @param randomSeed         seed of the election timeout randomization (deterministic for the simulation)
 * @param autoMembership     the leader adds members that ask to join (and members back with a new disk) as learners
 *                           and promotes learners once they are within promoteLagEntries of its log
 * @param promoteLagEntries  how far behind the leader's last index a learner may be when it is promoted
 * @param faultTicks         the leader removes a member absent from the membership hints for this many ticks
 *                           (0: never); it rejoins as a learner when it comes back
 * @param minVoters          automatic removal never shrinks the voters below this
 * @param bulkCatchUpEntries a follower more than this many entries behind the leader's commit index fetches the
 *                           committed history in bulk from any member (the recovery layer) instead of through the
 *                           leader's stream (0: never)
 * @param mutations          deliberate bugs for checker tests only; empty in production
 */
public record EngineOptions(String memberId, String storageId, long incarnation, int electionTicks,
                            int heartbeatTicks, int maxInflightAppends, int maxAppendBytes, int maxApplyBytes,
                            int resendTicks, long randomSeed, boolean autoMembership, int promoteLagEntries,
                            int faultTicks, int minVoters, int bulkCatchUpEntries,
                            Set<UnsafeTestMutation> mutations) {

    public EngineOptions {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(storageId, "storageId");
        if (incarnation < 1) throw new IllegalArgumentException("incarnation must be >= 1");
        if (heartbeatTicks < 1 || electionTicks <= 2 * heartbeatTicks)
            throw new IllegalArgumentException("need 1 <= heartbeatTicks and electionTicks > 2 * heartbeatTicks, got "
                                               + heartbeatTicks + " and " + electionTicks);
        if (maxInflightAppends < 1 || maxAppendBytes < 1 || maxApplyBytes < 1 || resendTicks < 1 || promoteLagEntries < 0
            || faultTicks < 0 || minVoters < 1 || bulkCatchUpEntries < 0)
            throw new IllegalArgumentException("limits must be positive");
        mutations = mutations.isEmpty() ? Set.of() : Set.copyOf(mutations);
    }

    /** Defaults tuned for a 10 ms tick: election after 0.5-1 s of silence, heartbeats every 100 ms. */
    public static EngineOptions defaults(String memberId, String storageId, long incarnation) {
        return new EngineOptions(memberId, storageId, incarnation, 50, 10, 64, 256 * 1024, 4 * 1024 * 1024, 100,
                                 memberId.hashCode() * 31L + incarnation, true, 100, 0, 3, 0,
                                 EnumSet.noneOf(UnsafeTestMutation.class));
    }

    public EngineOptions withTiming(int electionTicks, int heartbeatTicks, int resendTicks) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, autoMembership, promoteLagEntries, faultTicks, minVoters, bulkCatchUpEntries, mutations);
    }

    public EngineOptions withLimits(int maxInflightAppends, int maxAppendBytes, int maxApplyBytes) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, autoMembership, promoteLagEntries, faultTicks, minVoters, bulkCatchUpEntries, mutations);
    }

    public EngineOptions withRandomSeed(long seed) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, seed, autoMembership, promoteLagEntries, faultTicks, minVoters, bulkCatchUpEntries, mutations);
    }

    public EngineOptions withMutations(Set<UnsafeTestMutation> m) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, autoMembership, promoteLagEntries, faultTicks, minVoters, bulkCatchUpEntries, m);
    }

    public EngineOptions withAutoMembership(boolean on, int promoteLag) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, on, promoteLag, faultTicks, minVoters, bulkCatchUpEntries, mutations);
    }

    public EngineOptions withFaultRemoval(int faultTicks, int minVoters) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, autoMembership,
                                 promoteLagEntries, faultTicks, minVoters, bulkCatchUpEntries, mutations);
    }

    public EngineOptions withBulkCatchUp(int entries) {
        return new EngineOptions(memberId, storageId, incarnation, electionTicks, heartbeatTicks, maxInflightAppends,
                                 maxAppendBytes, maxApplyBytes, resendTicks, randomSeed, autoMembership,
                                 promoteLagEntries, faultTicks, minVoters, entries, mutations);
    }

    public boolean has(UnsafeTestMutation m) {
        return mutations.contains(m);
    }
}
