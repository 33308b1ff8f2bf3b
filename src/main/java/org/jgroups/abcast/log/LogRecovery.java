package org.jgroups.abcast.log;

import org.jgroups.logging.Log;
import org.jgroups.logging.LogFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens the segments of a log directory, verifying every frame, and repairs what a crash can leave behind.
 * <p>
 * Rules:
 * <ul>
 * <li>A <em>torn tail</em> (the first damaged frame, with no checksum-valid frame anywhere after it in this or a
 * later segment) is what an interrupted write looks like: it is cut off (durably) with a WARN.</li>
 * <li>A damaged frame followed by any valid frame, a valid frame with an unexpected index, decreasing terms, or
 * segments whose index ranges leave gaps, are corruption: {@link LogCorruptedException}.</li>
 * <li>Segments entirely at or below the compaction point are leftovers of an interrupted compaction and are
 * deleted; if all records are at or below it, the log is empty.</li>
 * </ul>
 * When searching for a valid frame after a damaged one, only frames whose index could legitimately follow are
 * considered, which keeps the search linear in the number of bytes.
 */
final class LogRecovery {
    private static final Log log = LogFactory.getLog(LogRecovery.class);

    private final Path dir;
    private final int maxRecordSize;
    private final LogPosition base;
    private final List<Path> files;
    private final SegmentWriterFactory writers;
    private final List<Scanned> scanned = new ArrayList<>();
    private boolean dirChanged;

    private record Scanned(Path path, long firstIndex, SegmentIndex index) {
    }

    private LogRecovery(Path dir, int maxRecordSize, LogPosition base, List<Path> files, SegmentWriterFactory writers) {
        this.dir = dir;
        this.writers = writers;
        this.maxRecordSize = maxRecordSize;
        this.base = base;
        this.files = files;
    }

    /** Returns the log's segments in index order, the last one writable; all are non-empty. */
    static List<Segment> recover(Path dir, LogOptions options, LogPosition base, SegmentWriterFactory writers)
      throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(p -> Segment.firstIndexOf(p) >= 0)
                                      .sorted(Comparator.comparingLong(Segment::firstIndexOf)).toList());
        }
        return new LogRecovery(dir, options.maxRecordSize(), base, files, writers).run();
    }

    private List<Segment> run() throws IOException {
        deleteCompactedPrefix();
        long expected = base.index() + 1;
        if (!files.isEmpty() && Segment.firstIndexOf(files.get(0)) > expected)
            throw new LogCorruptedException(files.get(0), 0, expected, "the log's compaction point is index " + base.index()
              + " but its first segment starts at index " + Segment.firstIndexOf(files.get(0)) + ", so records are missing");
        if (!files.isEmpty())
            expected = Segment.firstIndexOf(files.get(0));
        long prevTerm = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (Segment.firstIndexOf(file) != expected)
                throw new LogCorruptedException(file, 0, expected, "the segment starts with index " + Segment.firstIndexOf(file)
                  + " but the previous segment ends with index " + (expected - 1) + ", so records are missing or overlap");
            SegmentIndex index = new SegmentIndex();
            try (FrameScanner sc = new FrameScanner(file, maxRecordSize)) {
                long pos = 0;
                while (pos < sc.fileSize && sc.frameAt(pos)) {
                    if (sc.index != expected)
                        throw new LogCorruptedException(file, pos, expected, "found a valid record with index " + sc.index
                          + " where index " + expected + " was expected");
                    if (sc.term < prevTerm)
                        throw new LogCorruptedException(file, pos, expected, "the record's term " + sc.term
                          + " is lower than the previous record's term " + prevTerm);
                    index.add(sc.frameSize, sc.term);
                    prevTerm = sc.term;
                    expected++;
                    pos += sc.frameSize;
                }
                index.publish();
                if (pos < sc.fileSize) {
                    boolean zeros = sc.zerosFrom(pos); // prepared space or padding: nothing was torn here
                    failIfValidFrameFollows(sc, pos, expected, i, !zeros);
                    dropTornTail(sc, pos, expected, i, zeros);
                }
            }
            if (index.count() > 0)
                scanned.add(new Scanned(file, Segment.firstIndexOf(file), index));
            else
                deleteFile(file, "it holds no records");
        }
        if (expected - 1 <= base.index())
            deleteAllScanned();
        else
            checkCompactionPointTerm();
        if (dirChanged)
            ChecksummedFile.forceDirectory(dir);
        return openSegments();
    }

    /** Segments followed by one starting at or below base + 1 hold only compacted records. */
    private void deleteCompactedPrefix() throws IOException {
        while (files.size() > 1 && Segment.firstIndexOf(files.get(1)) <= base.index() + 1)
            deleteFile(files.remove(0), "all its records are at or below the compaction point " + base.index());
    }

    private void failIfValidFrameFollows(FrameScanner sc, long pos, long expected, int fileNo, boolean searchThisFile)
      throws IOException {
        long bytesAfter = sc.fileSize - pos;
        for (int j = fileNo + 1; j < files.size(); j++)
            bytesAfter += Files.size(files.get(j));
        long maxIndex = expected + bytesAfter / FrameCodec.HEADER_SIZE;
        long found = searchThisFile ? sc.findFrame(pos + 1, expected, maxIndex) : -1;
        Path foundIn = sc.path;
        long foundIndex = sc.index;
        for (int j = fileNo + 1; found < 0 && j < files.size(); j++) {
            try (FrameScanner later = new FrameScanner(files.get(j), maxRecordSize)) {
                found = later.findFrame(0, expected, maxIndex);
                foundIn = later.path;
                foundIndex = later.index;
            }
        }
        if (found >= 0)
            throw new LogCorruptedException(sc.path, pos, expected, sc.damageAt(pos) + ", yet a valid record (index "
              + foundIndex + ") follows at byte offset " + found + " of " + foundIn
              + ", so this is damage inside the log, not a write torn by a crash");
    }

    private void dropTornTail(FrameScanner sc, long pos, long expected, int fileNo, boolean zeros) throws IOException {
        if (zeros)
            log.debug("%s", String.format("Log segment %s: cutting %d bytes of zeros (space prepared in advance, or "
                                            + "block padding) after its last record at byte offset %d",
                                          sc.path, sc.fileSize - pos, pos));
        else
            log.warn("%s", String.format("Log segment %s has a torn tail (%s): dropping %d bytes from byte offset %d, "
                                           + "holding %d incomplete or damaged record(s) starting at index %d. A crash "
                                           + "during a write leaves this; records past the last force were never "
                                           + "durable.", sc.path, sc.damageAt(pos), sc.fileSize - pos, pos,
                                         sc.recordsFrom(pos, expected), expected));
        try (FileChannel ch = FileChannel.open(sc.path, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
        }
        while (files.size() > fileNo + 1) {
            Path later = files.remove(fileNo + 1);
            log.warn("%s", String.format("Deleting log segment %s (%d bytes, no valid record) that follows the torn tail",
                                         later, Files.size(later)));
            Files.delete(later);
            dirChanged = true;
        }
    }

    private void checkCompactionPointTerm() throws LogCorruptedException {
        Scanned first = scanned.get(0);
        long local = base.index() - first.firstIndex;
        if (local < 0)
            return;
        SegmentIndex.View v = first.index.view();
        if (local < v.count() && v.term((int) local) != base.term())
            throw new LogCorruptedException(first.path, v.offset((int) local), base.index(), "the record has term "
              + v.term((int) local) + " but the compaction point says index " + base.index() + " has term " + base.term());
    }

    private void deleteAllScanned() throws IOException {
        for (Scanned s : scanned)
            deleteFile(s.path, "all its records are at or below the compaction point " + base.index());
        scanned.clear();
    }

    private void deleteFile(Path file, String why) throws IOException {
        log.info("%s", "Deleting log segment " + file + ": " + why);
        Files.delete(file);
        dirChanged = true;
    }

    private List<Segment> openSegments() throws IOException {
        List<Segment> segments = new ArrayList<>(scanned.size());
        try {
            for (int i = 0; i < scanned.size(); i++) {
                Scanned s = scanned.get(i);
                segments.add(Segment.open(s.path, s.firstIndex, s.index, i == scanned.size() - 1, writers));
            }
            return segments;
        }
        catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                try {
                    s.close();
                }
                catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
