package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Role;

/** Receives what a {@link Replica} delivers. All callbacks run on the replica's event-loop thread, in log order. */
public interface DeliveryListener {
    /** A committed application message. Deliveries are gap-free and in index order within one replica life. */
    void deliver(Delivery delivery);

    /**
     * The application's state must be replaced by state (as taken by the application at a delivery point), which
     * reflects every entry up to and including index; deliveries continue with the entries after index. Happens when
     * the replica starts from a local snapshot and when it installs a snapshot received from another member.
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
