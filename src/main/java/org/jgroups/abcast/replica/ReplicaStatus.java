package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Role;

import java.util.Set;

/** A consistent snapshot of what operators watch, taken on the event loop. */
public record ReplicaStatus(String memberId, Role role, String leader, long term, long commitIndex, long appliedIndex,
                            long lastIndex, long durableIndex, Set<String> voters, Set<String> learners,
                            int inflightSubmissions, long delivered, long submitted, long droppedMalformed,
                            long incarnation, String storageId) {
}
