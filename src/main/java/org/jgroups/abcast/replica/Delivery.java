package org.jgroups.abcast.replica;

/**
 * One committed application message, handed out in total order.
 *
 * @param index       position in the total order (global log index; gaps are no-op and configuration entries)
 * @param term        term of the leader that ordered it
 * @param origin      member id of the sender
 * @param incarnation process life of the sender when it sent it
 * @param sequence    the sender's submission number within that life
 * @param payload     the bytes the sender submitted
 */
public record Delivery(long index, long term, String origin, long incarnation, long sequence, byte[] payload) {
}
