package org.jgroups.protocols.abcast;

import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RECOVERY's header: every type survives the wire with its fields; the first two types keep their original layout. */
class RecoveryHeaderTest {

    private static RecoveryHeader roundTrip(RecoveryHeader h) throws Exception {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(64);
        h.writeTo(out);
        assertEquals(h.serializedSize(), out.position(), "serializedSize matches what is written");
        RecoveryHeader back = new RecoveryHeader();
        back.readFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
        assertEquals(h.type(), back.type());
        assertEquals(h.requestId(), back.requestId());
        assertEquals(h.fromIndex(), back.fromIndex());
        assertEquals(h.maxBytes(), back.maxBytes());
        assertEquals(h.total(), back.total());
        return back;
    }

    @Test
    void catchUpTypesKeepTheirTwentyTwoBytes() throws Exception {
        assertEquals(22, roundTrip(RecoveryHeader.fetch(1, 100, 4096)).serializedSize());
        assertEquals(22, roundTrip(RecoveryHeader.chunk(1)).serializedSize());
    }

    @Test
    void stateAndSnapshotTypesCarryTheirFields() throws Exception {
        RecoveryHeader req = roundTrip(RecoveryHeader.stateRequest(7, 1234, 9000));
        assertEquals(1234, req.fromIndex(), "the requester's delivery point");
        assertEquals(9000, req.total(), "how long the provider may wait");
        RecoveryHeader chunk = roundTrip(RecoveryHeader.stateChunk(7, 1500, 65536, 1_000_000));
        assertEquals(1500, chunk.fromIndex(), "the index the state reflects");
        assertEquals(65536, chunk.maxBytes(), "this chunk's offset");
        assertEquals(1_000_000, chunk.total(), "the state's size");
        assertEquals(RecoveryHeader.STATE_ERROR, roundTrip(RecoveryHeader.stateError(7)).type());
        assertEquals(RecoveryHeader.SNAPSHOT_OFFER, roundTrip(RecoveryHeader.snapshotOffer()).type());
        assertEquals(RecoveryHeader.SNAPSHOT_REQUEST, roundTrip(RecoveryHeader.snapshotRequest(8)).type());
    }
}
