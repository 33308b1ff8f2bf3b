package org.jgroups.protocols.abcast;

import org.jgroups.conf.ClassConfigurator;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbcastHeaderTest {

    @Test
    void idsAreRegisteredAndOutsideJGroupsAndRaftRanges() {
        new ABCAST(); // runs the static registration
        assertSame(ABCAST.class, ClassConfigurator.getProtocol(ABCAST.PROTOCOL_ID));
        assertEquals(ABCAST.PROTOCOL_ID, ClassConfigurator.getProtocolId(ABCAST.class));
        assertEquals(AbcastHeader.MAGIC_ID, ClassConfigurator.getMagicNumber(AbcastHeader.class));
        assertTrue(ABCAST.PROTOCOL_ID >= 1024, "JGroups reserves protocol ids below 1024 (512-1023 for extensions)");
        assertTrue(AbcastHeader.MAGIC_ID >= 1024 && (AbcastHeader.MAGIC_ID < 2000 || AbcastHeader.MAGIC_ID > 2100),
                   "user magic numbers start at 1024; jgroups-raft uses 2000-2100");
        assertEquals(ABCAST.PROTOCOL_ID, new ABCAST().getId());
    }

    @Test
    void roundTripsEveryType() throws Exception {
        check(AbcastHeader.peer("A"));
        check(AbcastHeader.announce("member-ü", true));
        check(AbcastHeader.announce("B", false));
        check(AbcastHeader.peer("A", "cluster-uuid-1"));
        check(AbcastHeader.announce("B", true, true, "cluster-uuid-1"));
        check(AbcastHeader.announce("B", false, true, null));
        AbcastHeader o = check(AbcastHeader.ordered(42, 7, "C"));
        assertEquals(42, o.index());
        assertEquals(7, o.term());
        assertEquals("C", o.member());
    }

    private static AbcastHeader check(AbcastHeader h) throws Exception {
        AbcastHeader back = roundTrip(h);
        assertEquals(h.type(), back.type());
        assertEquals(h.member(), back.member());
        assertEquals(h.replyWanted(), back.replyWanted());
        assertEquals(h.started(), back.started());
        assertEquals(h.cluster(), back.cluster());
        assertEquals(h.index(), back.index());
        assertEquals(h.term(), back.term());
        assertEquals(h.serializedSize(), back.serializedSize());
        return back;
    }

    static AbcastHeader roundTrip(AbcastHeader h) throws Exception {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(64);
        h.writeTo(out);
        assertEquals(h.serializedSize(), out.position());
        AbcastHeader back = new AbcastHeader();
        back.readFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
        return back;
    }

    /** A header body of the given bytes, with a correct length prefix. */
    static AbcastHeader parse(int... ints) throws IOException {
        byte[] body = new byte[ints.length];
        for (int i = 0; i < ints.length; i++) body[i] = (byte) ints[i];
        byte[] framed = new byte[body.length + 2];
        framed[0] = (byte) (body.length >>> 8);
        framed[1] = (byte) body.length;
        System.arraycopy(body, 0, framed, 2, body.length);
        AbcastHeader h = new AbcastHeader();
        h.readFrom(new ByteArrayDataInputStream(framed));
        return h;
    }

    @Test
    void malformedOrForeignBodiesAreReadAsInvalidWithoutThrowing() throws Exception {
        assertFalse(parse().isValid());                                   // empty
        assertFalse(parse(9, AbcastHeader.PEER, 0, 1, 'A').isValid()); // unknown version
        assertFalse(parse(1, 77).isValid());                // unknown type
        assertFalse(parse(1, AbcastHeader.PEER, 0, 5, 'A').isValid()); // string longer than the body
        assertFalse(parse(1, AbcastHeader.PEER, 0, 0).isValid());     // empty member id
        assertFalse(parse(1, AbcastHeader.PEER, 0, 1, 'A', 0).isValid()); // cluster id cut short
        assertFalse(parse(1, AbcastHeader.PEER, 0, 1, 'A', 0, 0, 0).isValid()); // trailing byte
        assertFalse(parse(1, AbcastHeader.PEER, 0, 1, 'A', 0, 3, 'x').isValid()); // cluster id longer than the body
        assertFalse(parse(1, AbcastHeader.ANNOUNCE, 0, 1, 'A', 5, 0, 0).isValid()); // bad flags
        assertFalse(parse(1, AbcastHeader.ORDERED, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                          0, 1, 'A').isValid()); // index 0
        AbcastHeader ok = parse(1, AbcastHeader.PEER, 0, 1, 'A', 0, 0);
        assertTrue(ok.isValid());
        assertEquals("A", ok.member());
        assertNull(ok.cluster(), "an empty cluster id means the sender belongs to no cluster yet");
        AbcastHeader bad = parse(1, 77);
        assertNull(bad.member());
        // an invalid header can still be written (a relay would not crash) and stays invalid
        assertFalse(roundTrip(bad).isValid());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> AbcastHeader.peer(""));
        assertThrows(IllegalArgumentException.class, () -> AbcastHeader.peer("x".repeat(1025)));
        assertThrows(IllegalArgumentException.class, () -> AbcastHeader.ordered(0, 1, "A"));
        assertThrows(IllegalArgumentException.class, () -> AbcastHeader.peer("A", ""));
    }
}
