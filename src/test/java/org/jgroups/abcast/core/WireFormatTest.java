package org.jgroups.abcast.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

class WireFormatTest {
    private static final Entry DATA = new Entry(7, 3, EntryType.DATA, "b", 42, 9, new byte[]{1, 2, 3});

    private static final List<PeerMessage> SAMPLES = List.of(
        new PeerMessage.VoteRequest("a", "b", 5, true, 10, 4),
        new PeerMessage.VoteResponse("b", "a", 5, true, true, "disk-b"),
        new PeerMessage.AppendRequest("a", "b", 5, 6, 3, List.of(DATA, Entry.noop(8, 5, "a")), 6),
        new PeerMessage.AppendResponse("b", "a", 5, false, 3, 2, 6, 4, "disk-b", true),
        new PeerMessage.ForwardRequest("c", "a", 5, 77, List.of(new PeerMessage.Submission(1, new byte[]{9}))),
        new PeerMessage.JoinRequest("d", "a", 0, "disk-d"),
        new PeerMessage.LeaveRequest("c", "a", 5));

    @Test
    void everyMessageTypeSurvivesEncoding() {
        for (PeerMessage m : SAMPLES) {
            PeerMessage back = WireFormat.decode(WireFormat.encode(m));
            assertEquals(m.getClass(), back.getClass());
            assertEquals(m.from(), back.from());
            assertEquals(m.to(), back.to());
            assertEquals(m.term(), back.term());
            assertArrayEquals(WireFormat.encode(m), WireFormat.encode(back), "re-encoding gives the same bytes");
        }
        var a = (PeerMessage.AppendRequest) WireFormat.decode(WireFormat.encode(SAMPLES.get(2)));
        assertEquals(DATA.toString(), a.entries().get(0).toString());
        assertArrayEquals(DATA.payload(), a.entries().get(0).payload());
    }

    @Test
    void anUnaddressedAppendIsTheSameBytesForEveryFollowerAndAddressedToItsReceiver() {
        List<Entry> entries = List.of(DATA, Entry.noop(8, 5, "a"), new Entry(9, 5, EntryType.DATA, "\u00e9t\u00e9", 1, 2, new byte[300]));
        var toB = new PeerMessage.AppendRequest("a", "b", 5, 6, 3, entries, 6);
        var toC = new PeerMessage.AppendRequest("a", "c-longer-name", 5, 6, 3, entries, 6);
        byte[] shared = WireFormat.encode(WireFormat.unaddressed(toB));
        assertArrayEquals(shared, WireFormat.encode(WireFormat.unaddressed(toC)));
        // (entries compare their payload arrays by identity: compare encodings)
        assertArrayEquals(WireFormat.encode(toB), WireFormat.encode(WireFormat.addressedTo(WireFormat.decode(shared), "b")));
        assertArrayEquals(WireFormat.encode(toC),
                          WireFormat.encode(WireFormat.addressedTo(WireFormat.decode(shared), "c-longer-name")));
        PeerMessage addressed = WireFormat.decode(WireFormat.encode(toB));
        assertEquals("b", WireFormat.addressedTo(addressed, "c").to(), "an addressed message keeps its addressee");
    }

    @Test
    void nonAsciiStringsSurviveEncoding() {
        var m = new PeerMessage.VoteResponse("m\u00fcller", "\u65e5\u672c", 5, false, true, "disk-\ud83d\ude00");
        var back = (PeerMessage.VoteResponse) WireFormat.decode(WireFormat.encode(m));
        assertEquals(m, back);
    }

    @Test
    void entriesSurviveTheLogEncoding() {
        Entry back = WireFormat.decodeEntryBody(7, 3, WireFormat.encodeEntryBody(DATA));
        assertEquals(DATA.toString(), back.toString());
        assertArrayEquals(DATA.payload(), back.payload());
    }

    @Test
    void truncatedInputIsRefusedAtEveryLength() {
        for (PeerMessage m : SAMPLES) {
            byte[] b = WireFormat.encode(m);
            for (int len = 0; len < b.length; len++) {
                byte[] cut = Arrays.copyOf(b, len);
                assertThrows(Codec.MalformedException.class, () -> WireFormat.decode(cut), m + " cut at " + len);
            }
        }
    }

    @Test
    void randomGarbageNeverDecodesIntoSomethingElseThanAMalformedError() {
        Random rnd = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = WireFormat.encode(SAMPLES.get(rnd.nextInt(SAMPLES.size())));
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                WireFormat.decode(b);
            } catch (Codec.MalformedException expected) {
                // fine: refused
            } catch (RuntimeException e) {
                fail("a flipped bit raised " + e + " instead of MalformedException");
            }
        }
    }
}
