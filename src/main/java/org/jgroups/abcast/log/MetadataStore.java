package org.jgroups.abcast.log;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stores {@link Metadata} in one checksummed file that is replaced atomically (temp file, force, rename, force the
 * directory): after a crash it holds either the previous or the new metadata.
 */
public final class MetadataStore {
    private static final int MAGIC = 0x41424d44; // "ABMD"
    /** Version 2 added the cluster uuid; version 1 files are still read (as belonging to no known cluster yet). */
    private static final int VERSION = 2;

    private final Path file;

    public MetadataStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * The stored metadata, or empty if there is none.
     *
     * @throws StorageCorruptedException if the file exists but fails its checks
     */
    public Optional<Metadata> load() throws IOException {
        ChecksummedFile.deleteLeftover(file);
        byte[] body;
        try {
            body = ChecksummedFile.read(file, MAGIC, "metadata");
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int version = in.readInt();
            if (version != 1 && version != VERSION)
                throw new StorageCorruptedException("The metadata file " + file + " has unknown version " + version);
            Metadata m = new Metadata(in.readLong(), readNullable(in), in.readUTF(), in.readUTF(), in.readUTF(),
                                      in.readLong(), version >= 2 ? readNullable(in) : null);
            if (in.available() > 0)
                throw new StorageCorruptedException("The metadata file " + file + " has " + in.available()
                                                      + " unexpected trailing bytes");
            return Optional.of(m);
        }
        catch (IOException | IllegalArgumentException e) {
            if (e instanceof StorageCorruptedException sce)
                throw sce;
            throw new StorageCorruptedException("The metadata file " + file + " has a valid checksum but cannot be "
                                                  + "decoded (" + e + "). " + LogCorruptedException.OPERATOR_ACTION);
        }
    }

    /** Durably and atomically replaces the stored metadata. */
    public void store(Metadata m) throws IOException {
        ChecksummedFile.write(file, MAGIC, encode(m));
    }

    private static byte[] encode(Metadata m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeLong(m.currentTerm());
            out.writeBoolean(m.votedFor() != null);
            if (m.votedFor() != null)
                out.writeUTF(m.votedFor());
            out.writeUTF(m.memberId());
            out.writeUTF(m.clusterId());
            out.writeUTF(m.storageId());
            out.writeLong(m.incarnation());
            out.writeBoolean(m.clusterUuid() != null);
            if (m.clusterUuid() != null)
                out.writeUTF(m.clusterUuid());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a byte array
        }
        return bytes.toByteArray();
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
