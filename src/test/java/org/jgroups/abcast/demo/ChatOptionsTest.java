package org.jgroups.abcast.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatOptionsTest {
    @Test
    void theNameAloneGivesTheDefaults() {
        ChatOptions o = ChatOptions.parse("A");
        assertEquals("A", o.name());
        assertEquals(Path.of("data/A").toAbsolutePath(), o.dataDir());
        assertEquals(Path.of("data/A.log").toAbsolutePath(), o.logFile());
        assertEquals("stacks/abcast-tcp.xml", o.props());
        assertEquals("A,B,C", o.initialMembers());
        assertEquals("abcast-chat", o.cluster());
        assertFalse(o.batch());
    }

    @Test
    void everyOptionInBothSpellings() {
        ChatOptions o = ChatOptions.parse("--name", "B", "--data-dir=/tmp/x/B", "--props", "s.xml",
                                          "--initial-members=B,C,D", "--cluster", "c1", "--log", "/tmp/b.log", "--batch");
        assertEquals("B", o.name());
        assertEquals(Path.of("/tmp/x/B"), o.dataDir());
        assertEquals("s.xml", o.props());
        assertEquals("B,C,D", o.initialMembers());
        assertEquals("c1", o.cluster());
        assertEquals(Path.of("/tmp/b.log"), o.logFile());
        assertTrue(o.batch());
    }

    @Test
    void mistakesAreExplained() {
        assertEquals("a member name is required", assertThrows(IllegalArgumentException.class, ChatOptions::parse)
            .getMessage());
        assertEquals("unknown option --nme", assertThrows(IllegalArgumentException.class,
                                                          () -> ChatOptions.parse("--nme", "A")).getMessage());
        assertEquals("--data-dir needs a value", assertThrows(IllegalArgumentException.class,
                                                              () -> ChatOptions.parse("A", "--data-dir")).getMessage());
        assertEquals("unexpected argument B", assertThrows(IllegalArgumentException.class,
                                                           () -> ChatOptions.parse("A", "B")).getMessage());
        assertTrue(ChatOptions.parse("--help").help());
    }
}
