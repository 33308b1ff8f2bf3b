package org.jgroups.protocols.abcast;

import java.util.Set;

/**
 * Told of every committed configuration change, in log order, at every member: the same sequence everywhere, and in
 * the same total order as the messages around it (a configuration at index i comes after message i-1 and before
 * message i+1). Register with {@link ABCAST#addConfigurationListener}. Called on the delivery thread: return quickly.
 * A member that starts replays its log, so it is told of the past configurations again, in order.
 */
@FunctionalInterface
public interface ConfigurationListener {
    void configurationChanged(ClusterConfiguration configuration);

    /**
     * One configuration of the cluster.
     *
     * @param index    its position in the log
     * @param voters   member ids that vote and count toward commit
     * @param learners member ids that receive the log without voting (joining, catching up)
     */
    record ClusterConfiguration(long index, Set<String> voters, Set<String> learners) {
        public ClusterConfiguration {
            voters = Set.copyOf(voters);
            learners = Set.copyOf(learners);
        }
    }
}
