package org.jgroups.abcast.core;

/** One membership change; the leader commits them one at a time. */
public sealed interface ConfigChange {
    String member();

    /**
     * Adds member as a learner with this storage. If the member is already present with another storage (it lost its
     * disk), it is demoted to a learner with the new storage: its old log no longer counts.
     */
    record AddLearner(String member, String storageId) implements ConfigChange {
    }

    /** Makes a learner a voter. */
    record Promote(String member) implements ConfigChange {
    }

    /** Removes a voter or learner. */
    record Remove(String member) implements ConfigChange {
    }
}
