package org.jgroups.abcast.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecTest {
    @Test
    void configurationsSurviveEncoding() {
        Configuration c = new Configuration(Map.of("a", "s1", "b", "s2"), Map.of("c", "s3"));
        assertEquals(c, Configuration.decode(c.encode()));
        assertEquals(2, c.quorum());
    }

    @Test
    void truncatedOrTrailingBytesAreRefused() {
        byte[] b = new Configuration(Map.of("a", "s1"), Map.of()).encode();
        assertThrows(Codec.MalformedException.class, () -> Configuration.decode(java.util.Arrays.copyOf(b, b.length - 1)));
        assertThrows(Codec.MalformedException.class, () -> Configuration.decode(java.util.Arrays.copyOf(b, b.length + 1)));
    }

    @Test
    void sessionTablesAndSnapshotMetadataSurviveEncoding() {
        SessionTable t = new SessionTable();
        t.record("a", 3, 17);
        t.record("b", 1, 2);
        SnapshotMeta m = new SnapshotMeta(42, 7, Configuration.ofVoters(Map.of("a", "s")), t);
        SnapshotMeta back = SnapshotMeta.decode(m.encode());
        assertEquals(42, back.index());
        assertEquals(7, back.term());
        assertEquals(m.config(), back.config());
        assertEquals(t, back.sessions());
    }

    @Test
    void theSessionTableAcceptsOnlyTheNextSubmissionOfTheNewestLife() {
        SessionTable t = new SessionTable();
        assertEquals(SessionTable.Verdict.APPEND, t.check("a", 1, 1));
        assertEquals(SessionTable.Verdict.GAP, t.check("a", 1, 2));
        t.record("a", 1, 1);
        assertEquals(SessionTable.Verdict.DUPLICATE, t.check("a", 1, 1));
        assertEquals(SessionTable.Verdict.APPEND, t.check("a", 1, 2));
        assertEquals(SessionTable.Verdict.APPEND, t.check("a", 2, 1), "a new life starts over at 1");
        t.record("a", 2, 1);
        assertEquals(SessionTable.Verdict.STALE, t.check("a", 1, 2), "the old life is over");
    }
}
