package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class MetadataStoreTest {
    private static final Metadata M1 = new Metadata(3, "B", "A", "cluster-1", "storage-uuid", 7);

    @TempDir
    Path dir;

    private MetadataStore store() {
        return new MetadataStore(dir.resolve("metadata"));
    }

    @Test
    void aMissingFileMeansNoMetadata() throws IOException {
        assertEquals(Optional.empty(), store().load());
    }

    @Test
    void storedMetadataIsLoadedBackIncludingAnAbsentVote() throws IOException {
        store().store(M1);
        assertEquals(Optional.of(M1), store().load());
        Metadata noVote = M1.withTermAndVote(4, null);
        store().store(noVote);
        assertEquals(Optional.of(noVote), store().load());
    }

    @Test
    void theClusterUuidIsStoredOnceKnown() throws IOException {
        Metadata joined = M1.withClusterUuid("cluster-uuid-1");
        store().store(joined);
        assertEquals("cluster-uuid-1", store().load().orElseThrow().clusterUuid());
        assertEquals("cluster-uuid-1", joined.withTermAndVote(9, "C").withIncarnation(8).clusterUuid(),
                     "term, vote and incarnation updates keep it");
    }

    @Test
    void aVersionOneFileIsReadAsBelongingToNoKnownClusterYet() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeLong(3);
            out.writeBoolean(true);
            out.writeUTF("B");
            out.writeUTF("A");
            out.writeUTF("cluster-1");
            out.writeUTF("storage-uuid");
            out.writeLong(7);
        }
        ChecksummedFile.write(dir.resolve("metadata"), 0x41424d44, bytes.toByteArray());
        assertEquals(Optional.of(M1), store().load());
    }

    @Test
    void replacingLeavesNoTemporaryFileAndALeftoverOneIsIgnored() throws IOException {
        store().store(M1);
        assertFalse(Files.exists(dir.resolve("metadata.tmp")));
        Files.write(dir.resolve("metadata.tmp"), new byte[]{1, 2, 3}); // a crash in the middle of the next store
        assertEquals(Optional.of(M1), store().load(), "the old metadata is intact");
        assertFalse(Files.exists(dir.resolve("metadata.tmp")));
        store().store(M1.withIncarnation(8));
        assertEquals(8, store().load().orElseThrow().incarnation());
    }

    @Test
    void aDamagedFileIsAClearErrorNamingTheFile() throws IOException {
        store().store(M1);
        byte[] bytes = Files.readAllBytes(dir.resolve("metadata"));
        bytes[20] ^= 1;
        Files.write(dir.resolve("metadata"), bytes);
        StorageCorruptedException e = assertThrows(StorageCorruptedException.class, () -> store().load());
        assertTrue(e.getMessage().contains(dir.resolve("metadata").toString()) && e.getMessage().contains("corrupt")
                     && e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsAClearError() throws IOException {
        store().store(M1);
        byte[] bytes = Files.readAllBytes(dir.resolve("metadata"));
        Files.write(dir.resolve("metadata"), java.util.Arrays.copyOf(bytes, bytes.length - 3));
        StorageCorruptedException e = assertThrows(StorageCorruptedException.class, () -> store().load());
        assertTrue(e.getMessage().contains("does not match its size"), e.getMessage());
    }
}
