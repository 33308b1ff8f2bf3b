package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Configuration;
import org.jgroups.abcast.core.Role;

/** Receives what a {@link Replica} delivers. All callbacks run on the replica's event-loop thread, in log order. */
public interface DeliveryListener {
    /** A committed application message. Deliveries are gap-free and in index order within one replica life. */
    void deliver(Delivery delivery);

    /** A configuration entry was committed (in log order with the deliveries). */
    default void configurationCommitted(long index, Configuration config) {
    }

    /** This member's role, the leader or the term changed. */
    default void roleChanged(Role role, String leader, long term) {
    }
}
