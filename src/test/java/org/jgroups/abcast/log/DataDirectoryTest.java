package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.jgroups.abcast.log.TestRecords.*;
import static org.junit.jupiter.api.Assertions.*;

class DataDirectoryTest {
    @TempDir
    Path tmp;

    private DataDirectory open(Path dir, String member, String cluster) throws IOException {
        return DataDirectory.open(dir, member, cluster, LogOptions.defaults());
    }

    @Test
    void aNewDirectoryIsCreatedWithARandomStorageIdAndIncarnationOne() throws IOException {
        Path dir = tmp.resolve("a/b/member-A");
        try (DataDirectory dd = open(dir, "A", "c1")) {
            Metadata m = dd.metadata();
            assertEquals(UUID.fromString(m.storageId()).toString(), m.storageId());
            assertEquals(1, m.incarnation());
            assertEquals(0, m.currentTerm());
            assertNull(m.votedFor());
            assertTrue(Files.isDirectory(dir.resolve("log")) && Files.isDirectory(dir.resolve("snapshots")));
        }
        try (DataDirectory other = open(tmp.resolve("member-B"), "B", "c1")) {
            assertNotEquals(new MetadataStore(dir.resolve("metadata")).load().orElseThrow().storageId(),
                            other.metadata().storageId());
        }
    }

    @Test
    void everyOpenPersistsTheNextIncarnationAndKeepsTheStorageId() throws IOException {
        Path dir = tmp.resolve("member-A");
        String storageId;
        try (DataDirectory dd = open(dir, "A", "c1")) {
            storageId = dd.metadata().storageId();
        }
        try (DataDirectory dd = open(dir, "A", "c1")) {
            assertEquals(2, dd.metadata().incarnation());
            assertEquals(storageId, dd.metadata().storageId());
            assertEquals(2, new MetadataStore(dir.resolve("metadata")).load().orElseThrow().incarnation(),
                         "persisted before open returned");
        }
    }

    @Test
    void termVoteAndLogSurviveReopen() throws IOException {
        Path dir = tmp.resolve("member-A");
        try (DataDirectory dd = open(dir, "A", "c1")) {
            dd.updateTermAndVote(5, "B");
            dd.log().append(records(1, 3, 5));
            dd.snapshots().write(0, 0, new byte[0]);
        }
        try (DataDirectory dd = open(dir, "A", "c1")) {
            assertEquals(5, dd.metadata().currentTerm());
            assertEquals("B", dd.metadata().votedFor());
            assertEquals(records(1, 3, 5), dd.log().read(1, 3, Long.MAX_VALUE));
            assertTrue(dd.snapshots().latest().isPresent());
        }
    }

    @Test
    void anotherMembersDirectoryIsRefusedNamingBothIdsAndTheDirectory() throws IOException {
        Path dir = tmp.resolve("member-A");
        open(dir, "A", "c1").close();
        ForeignDataDirectoryException e = assertThrows(ForeignDataDirectoryException.class, () -> open(dir, "B", "c1"));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("member 'A'")
                     && e.getMessage().contains("member 'B'"), e.getMessage());
        try (DataDirectory dd = open(dir, "A", "c1")) {
            assertEquals(2, dd.metadata().incarnation(), "the refused open changed nothing");
        }
    }

    @Test
    void anotherClustersDirectoryIsRefusedNamingBothIds() throws IOException {
        Path dir = tmp.resolve("member-A");
        open(dir, "A", "c1").close();
        ForeignDataDirectoryException e = assertThrows(ForeignDataDirectoryException.class, () -> open(dir, "A", "c2"));
        assertTrue(e.getMessage().contains("cluster 'c1'") && e.getMessage().contains("cluster 'c2'")
                     && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAClearError() throws IOException {
        Path file = Files.write(tmp.resolve("not-a-dir"), new byte[1]);
        IOException e = assertThrows(IOException.class, () -> open(file.resolve("member-A"), "A", "c1"));
        assertTrue(e.getMessage().startsWith("Cannot create data directory " + file.resolve("member-A")), e.getMessage());
    }

    @Test
    @SuppressWarnings("try") // the resource only scopes the unwritable directory
    void anUnwritableDirectoryIsAClearError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("member-A"));
        try (Unwritable u = Unwritable.make(dir)) {
            IOException e = assertThrows(IOException.class, () -> open(dir, "A", "c1"));
            assertTrue(e.getMessage().startsWith("Data directory " + dir + " is not writable"), e.getMessage());
        }
    }

    @Test
    @SuppressWarnings("try") // the resource only scopes the unwritable directory
    void aDirectoryInUseCannotBeOpenedTwice() throws IOException {
        Path dir = tmp.resolve("member-A");
        try (DataDirectory dd = open(dir, "A", "c1")) {
            IOException e = assertThrows(IOException.class, () -> open(dir, "A", "c1"));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        open(dir, "A", "c1").close();
    }

    @Test
    void aLogWithoutMetadataIsRefused() throws IOException {
        Path dir = tmp.resolve("member-A");
        try (DataDirectory dd = open(dir, "A", "c1")) {
            dd.log().append(records(1, 1, 1));
        }
        Files.delete(dir.resolve("metadata"));
        StorageCorruptedException e = assertThrows(StorageCorruptedException.class, () -> open(dir, "A", "c1"));
        assertTrue(e.getMessage().contains("no metadata"), e.getMessage());
    }
}
