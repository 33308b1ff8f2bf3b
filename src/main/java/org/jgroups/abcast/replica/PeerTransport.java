package org.jgroups.abcast.replica;

/**
 * How a {@link Replica} reaches its peers. Implemented by the JGroups protocol (unicasts through the stack below it)
 * and by in-memory transports in tests. Called on the replica's event-loop thread: must not block for long.
 * Delivery may be lossy, duplicated or reordered; the protocol tolerates all of it.
 */
public interface PeerTransport {
    /** Sends an encoded peer message to the member with this id; silently drops it if the member is unknown. */
    void send(String toMember, byte[] encodedMessage);
}
