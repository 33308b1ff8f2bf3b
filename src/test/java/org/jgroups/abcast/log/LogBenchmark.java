package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Append throughput of {@link SegmentedLog} (append + one force per batch) against the raw limit of the same disk
 * measured in the same run: a plain FileChannel loop writing the same bytes per force. Not a test; run with
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=org.jgroups.abcast.log.LogBenchmark -Dexec.classpathScope=test
 * </pre>
 * Options: {@code -Dbench.quick=true} (a few seconds), {@code -Dbench.seconds=N} (per measurement, default 1),
 * {@code -Dbench.sizes=100,1024} and {@code -Dbench.batches=1,64} (subsets), {@code -Dbench.nogc=true} (skip the
 * group-commit section), {@code -Dbench.dir=...} (default target/bench).
 * A second section shows the cost of durability: {@link GroupCommitLog} with pipelined submits, fsync on and off.
 */
public final class LogBenchmark {
    private static final int[] SIZES = ints("bench.sizes", "100,1024,10240");
    private static final int[] BATCHES = ints("bench.batches", "1,8,64,256,1000");
    private static final long ROLL_BYTES = LogOptions.defaults().segmentSize();
    private static final long SLICE_NANOS = 200_000_000L;

    private final long measureNanos;
    private final long warmupNanos;
    private final Path dir;

    private LogBenchmark(boolean quick, Path dir) {
        long seconds = Long.getLong("bench.seconds", 1);
        this.measureNanos = quick ? 60_000_000L : seconds * 1_000_000_000L;
        this.warmupNanos = quick ? 30_000_000L : 300_000_000L;
        this.dir = dir;
    }

    private static int[] ints(String property, String defaults) {
        return java.util.Arrays.stream(System.getProperty(property, defaults).split(",")).mapToInt(Integer::parseInt)
          .toArray();
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.getBoolean("bench.quick");
        Path dir = Path.of(System.getProperty("bench.dir", "target/bench"));
        LogBenchmark bench = new LogBenchmark(quick, dir);
        try {
            for (int size : SIZES) {
                for (int batch : BATCHES)
                    bench.compare(size, batch);
            }
            if (Boolean.getBoolean("bench.nogc"))
                return;
            for (int size : SIZES) {
                for (int batch : new int[]{1, 64}) {
                    bench.groupCommit(size, batch, true);
                    bench.groupCommit(size, batch, false);
                }
            }
        }
        finally {
            deleteRecursively(dir);
        }
    }

    /**
     * Alternates raw and log runs in short slices (after a warm-up of each) so that the disk's latency, which drifts
     * a lot on virtual machines, affects both alike. The ratio is the median of the ratios of adjacent slices, which
     * a few slices with an unusually fast or slow disk do not move.
     */
    private void compare(int size, int batch) throws IOException {
        rawRate(size, batch, warmupNanos);
        logRate(size, batch, warmupNanos);
        int rounds = (int) Math.max(3, measureNanos / SLICE_NANOS);
        double[] ratios = new double[rounds];
        double log = 0;
        for (int round = 0; round < rounds; round++) {
            double raw = rawRate(size, batch, measureNanos / rounds);
            double l = logRate(size, batch, measureNanos / rounds);
            ratios[round] = l / raw;
            log += l / rounds;
        }
        java.util.Arrays.sort(ratios);
        System.out.printf("log-bench: size=%d batch=%d records_per_s=%.0f mb_per_s=%.1f ratio_to_raw=%.2f%n",
                          size, batch, log, log * size / 1e6, ratios[rounds / 2]);
    }

    /** Records/s of a plain write + force loop writing batch frames' worth of bytes per force. */
    private double rawRate(int size, int batch, long nanos) throws IOException {
        Path d = fresh("raw");
        ByteBuffer buf = ByteBuffer.allocateDirect(batch * (FrameCodec.HEADER_SIZE + size));
        new Random(1).ints(buf.capacity()).forEach(i -> buf.put((byte) i));
        long forces = 0, start = System.nanoTime(), end = start + nanos;
        FileChannel ch = null;
        int file = 0;
        try {
            do {
                if (ch == null || ch.size() + buf.capacity() > ROLL_BYTES) {
                    if (ch != null) {
                        ch.close();
                        Files.delete(d.resolve("raw" + (file - 1)));
                    }
                    ch = FileChannel.open(d.resolve("raw" + file++), StandardOpenOption.CREATE_NEW,
                                          StandardOpenOption.WRITE);
                }
                buf.clear();
                while (buf.hasRemaining())
                    ch.write(buf);
                ch.force(false);
                forces++;
            } while (System.nanoTime() < end);
            return forces * batch * 1e9 / (System.nanoTime() - start);
        }
        finally {
            if (ch != null)
                ch.close();
        }
    }

    /** Records/s of SegmentedLog.append(batch) + force(). */
    private double logRate(int size, int batch, long nanos) throws IOException {
        byte[] payload = new byte[size];
        new Random(2).nextBytes(payload);
        long perSegment = ROLL_BYTES / (FrameCodec.HEADER_SIZE + size);
        try (SegmentedLog log = SegmentedLog.open(fresh("log"), LogOptions.defaults())) {
            long next = 1, start = System.nanoTime(), end = start + nanos;
            do {
                List<LogRecord> records = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++)
                    records.add(new LogRecord(next++, 1, payload));
                log.append(records);
                log.force();
                if (next - log.firstIndex() > 2 * perSegment) // keep the disk footprint small, as raw does
                    log.compactUpTo(next - perSegment, 1);
            } while (System.nanoTime() < end);
            return (next - 1) * 1e9 / (System.nanoTime() - start);
        }
    }

    /** Records/s through GroupCommitLog when one thread submits batch-record writes as fast as it may. */
    private void groupCommit(int size, int batch, boolean fsync) throws Exception {
        byte[] payload = new byte[size];
        AtomicLong durable = new AtomicLong();
        long perSegment = ROLL_BYTES / (FrameCodec.HEADER_SIZE + size);
        double rate = 0;
        long forces = 0;
        for (long nanos : new long[]{warmupNanos, measureNanos}) {
            try (SegmentedLog log = SegmentedLog.open(fresh("gc"), LogOptions.defaults())) {
                GroupCommitLog gc = GroupCommitLog.start(log, GroupCommitOptions.defaults().withFsync(fsync),
                                                         new DurabilityListener() {
                    public void durable(long index, long term) {
                        durable.set(index);
                    }

                    public void failed(Throwable cause) {
                        cause.printStackTrace();
                    }
                });
                durable.set(0);
                long next = 1, start = System.nanoTime(), end = start + nanos;
                do {
                    List<LogRecord> records = new ArrayList<>(batch);
                    for (int i = 0; i < batch; i++)
                        records.add(new LogRecord(next++, 1, payload));
                    gc.submit(new LogWrite(next - batch, records));
                    if (next % (perSegment / 4 + 1) < batch && durable.get() > perSegment)
                        gc.compact(durable.get() - perSegment / 2, 1);
                } while (System.nanoTime() < end);
                gc.close();
                rate = durable.get() * 1e9 / (System.nanoTime() - start);
                forces = gc.batches();
            }
        }
        System.out.printf("log-bench-gc: size=%d batch=%d fsync=%b records_per_s=%.0f mb_per_s=%.1f batches=%d%n",
                          size, batch, fsync, rate, rate * size / 1e6, forces);
    }

    private Path fresh(String name) throws IOException {
        Path d = dir.resolve(name);
        deleteRecursively(d);
        return Files.createDirectories(d);
    }

    private static void deleteRecursively(Path d) throws IOException {
        if (!Files.exists(d))
            return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }
}
