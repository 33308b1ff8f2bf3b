package org.jgroups.abcast.log;

import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots in one directory, one checksummed file each ({@code snapshot-<20-digit index>.snap}), each written
 * atomically (temp file, force, rename, force the directory). Once a snapshot is durable, older ones are deleted.
 */
public final class SnapshotStore {
    private static final Log log = LogFactory.getLog(SnapshotStore.class);
    private static final int MAGIC = 0x41425353; // "ABSS"
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    private final Path dir;

    private SnapshotStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating it if needed) the snapshot directory and removes leftovers of interrupted writes. */
    public static SnapshotStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(ChecksummedFile.TMP_SUFFIX)).toList())
                Files.delete(p);
        }
        return new SnapshotStore(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Durably stores a snapshot, then deletes all snapshots with a lower index. */
    public void write(Snapshot snapshot) throws IOException {
        byte[] body = ByteBuffer.allocate(16 + snapshot.data().length)
          .putLong(snapshot.index()).putLong(snapshot.term()).put(snapshot.data()).array();
        ChecksummedFile.write(pathFor(snapshot.index()), MAGIC, body);
        for (Path old : files()) {
            if (indexOf(old) < snapshot.index())
                Files.delete(old);
        }
    }

    public void write(long index, long term, byte[] data) throws IOException {
        write(new Snapshot(index, term, data));
    }

    /** The newest snapshot that passes its checks, or empty. Damaged snapshots are skipped with a WARN. */
    public Optional<Snapshot> latest() throws IOException {
        for (Path p : files()) {
            try {
                ByteBuffer b = ByteBuffer.wrap(ChecksummedFile.read(p, MAGIC, "snapshot"));
                long index = b.getLong(), term = b.getLong();
                if (index != indexOf(p))
                    throw new StorageCorruptedException("The snapshot file " + p + " holds index " + index);
                byte[] data = new byte[b.remaining()];
                b.get(data);
                return Optional.of(new Snapshot(index, term, data));
            }
            catch (StorageCorruptedException e) {
                log.warn("%s", "Skipping damaged snapshot: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Snapshot files, newest first. */
    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> indexOf(p) >= 0).sorted(Comparator.comparingLong(SnapshotStore::indexOf).reversed())
              .toList();
        }
    }

    private Path pathFor(long index) {
        return dir.resolve(String.format("snapshot-%020d.snap", index));
    }

    private static long indexOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
