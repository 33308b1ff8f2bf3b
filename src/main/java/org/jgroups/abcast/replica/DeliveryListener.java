package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Role;

/**
 * Receives what a {@link Replica} delivers. Callbacks run on the replica's event-loop thread, in log order, one at a time
 * (except {@link #installState}, see there).
 */
public interface DeliveryListener {
    /** A committed application message. Deliveries are gap-free and in index order within one replica life. */
    void deliver(Delivery delivery);

    /**
     * The application's state must be replaced by state (as taken by the application at a delivery point), which
     * reflects every entry up to and including index; deliveries continue with the entries after index. Happens when
     * the replica starts from a local snapshot (on the loop thread, before the first delivery) and when it installs a
     * snapshot received from another member (on a thread of its own, while delivery is paused: no {@link #deliver}
     * runs meanwhile).
     */
    default void installState(long index, byte[] state) {
    }

    /** A configuration entry was committed (in log order with the deliveries). */
    default void configurationCommitted(long index, Configuration config) {
    }

    /** This member's role, the leader or the term changed. */
    default void roleChanged(Role role, String leader, long term) {
    }
}
