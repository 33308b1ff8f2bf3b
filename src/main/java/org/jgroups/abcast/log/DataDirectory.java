package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A member's data directory: {@code metadata} (see {@link MetadataStore}), {@code log/} (a {@link SegmentedLog})
 * and {@code snapshots/} (a {@link SnapshotStore}), plus a {@code lock} file that keeps a second process out.
 * <p>
 * Opening checks that the directory belongs to the given member of the given cluster, gives a fresh directory a
 * random storage id, and increments (and persists, before returning) the incarnation on every open.
 */
public final class DataDirectory implements AutoCloseable {
    private final Path dir;
    private final FileLock lock;
    private final MetadataStore metadataStore;
    private final SegmentedLog log;
    private final SnapshotStore snapshots;
    private Metadata metadata;

    private DataDirectory(Path dir, FileLock lock, MetadataStore store, Metadata metadata, SegmentedLog log,
                          SnapshotStore snapshots) {
        this.dir = dir;
        this.lock = lock;
        this.metadataStore = store;
        this.metadata = metadata;
        this.log = log;
        this.snapshots = snapshots;
    }

    /**
     * Opens (creating it if missing) the data directory of {@code memberId} in {@code clusterId}.
     *
     * @throws ForeignDataDirectoryException if the directory belongs to another member or cluster
     * @throws IOException                   if it cannot be created or written, is in use, or its contents are
     *                                       damaged ({@link StorageCorruptedException})
     */
    public static DataDirectory open(Path dir, String memberId, String clusterId, LogOptions options) throws IOException {
        requireWritableDirectory(dir);
        FileLock lock = lock(dir);
        SegmentedLog log = null;
        try {
            MetadataStore store = new MetadataStore(dir.resolve("metadata"));
            Optional<Metadata> stored = store.load();
            Metadata m;
            if (stored.isPresent()) {
                m = stored.get();
                if (!m.memberId().equals(memberId) || !m.clusterId().equals(clusterId))
                    throw new ForeignDataDirectoryException(String.format(
                      "Data directory %s belongs to member '%s' of cluster '%s', but was opened for member '%s' of "
                        + "cluster '%s'. Refusing to use another member's state: give each member its own data "
                        + "directory (or move this one aside if it is stale).",
                      dir, m.memberId(), m.clusterId(), memberId, clusterId));
                m = m.withIncarnation(m.incarnation() + 1);
            }
            else {
                requireNoData(dir.resolve("log"), dir.resolve("snapshots"));
                m = new Metadata(0, null, memberId, clusterId, UUID.randomUUID().toString(), 1);
            }
            store.store(m);
            log = SegmentedLog.open(dir.resolve("log"), options);
            SnapshotStore snapshots = SnapshotStore.open(dir.resolve("snapshots"));
            return new DataDirectory(dir, lock, store, m, log, snapshots);
        }
        catch (IOException | RuntimeException e) {
            closeQuietly(log, e);
            closeQuietly(lock.channel(), e);
            throw e;
        }
    }

    public Path path() {
        return dir;
    }

    public synchronized Metadata metadata() {
        return metadata;
    }

    /** Durably records the current term and the vote cast in it (null: none). */
    public synchronized void updateTermAndVote(long term, String votedFor) throws IOException {
        Metadata m = metadata.withTermAndVote(term, votedFor);
        metadataStore.store(m);
        metadata = m;
    }

    /** Durably records the identity of the cluster this member now belongs to. */
    public synchronized void updateClusterUuid(String uuid) throws IOException {
        Metadata m = metadata.withClusterUuid(uuid);
        metadataStore.store(m);
        metadata = m;
    }

    public SegmentedLog log() {
        return log;
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    /** Closes the log (see {@link SegmentedLog#close}) and releases the directory lock. */
    @Override
    public void close() throws IOException {
        try {
            log.close();
        }
        finally {
            lock.channel().close();
        }
    }

    private static void requireWritableDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        }
        catch (IOException e) {
            throw new IOException("Cannot create data directory " + dir + ": " + e, e);
        }
        Path probe = dir.resolve(".write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.write(probe, new byte[1]);
            Files.delete(probe);
        }
        catch (IOException e) {
            throw new IOException("Data directory " + dir + " is not writable: " + e, e);
        }
    }

    private static FileLock lock(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        }
        catch (OverlappingFileLockException e) {
            lock = null;
        }
        catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("Data directory " + dir + " is in use by another process (or already open in "
                                    + "this one)");
        }
        return lock;
    }

    /** A directory without metadata must not hold log or snapshot files: they would be of unknown origin. */
    private static void requireNoData(Path... dirs) throws IOException {
        for (Path d : dirs) {
            if (!Files.isDirectory(d))
                continue;
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent())
                    throw new StorageCorruptedException("Data directory " + d.getParent() + " has no metadata file, "
                      + "but " + d + " is not empty, so their origin is unknown. "
                      + LogCorruptedException.OPERATOR_ACTION);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c, Exception primary) {
        if (c == null)
            return;
        try {
            c.close();
        }
        catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
