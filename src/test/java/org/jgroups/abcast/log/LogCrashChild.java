package org.jgroups.abcast.log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link LogCrashTest} kills: opens the log, prints {@code ready <lastIndex> ok}, then appends batches
 * through the group-commit path, printing {@code durable <index> ok} (flushed) each time it is told records are
 * durable, and compacting now and then. Runs until killed.
 * <p>
 * Arguments: directory, seed, mode. {@code pipelined} submits as fast as the bounded queue allows (many batches in
 * flight, group commit under load); {@code lockstep} waits for each batch to be reported durable before submitting
 * the next, so the acknowledged index is the end of the log and losing even the last record would be noticed.
 */
public final class LogCrashChild {
    static final LogOptions OPTIONS = LogOptions.defaults().withSegmentSize(256 << 10);
    private static final int MAX_PAYLOAD = 600;

    private LogCrashChild() {
    }

    static long termFor(long index) {
        return 1 + index / 1000;
    }

    /** The only record ever written at {@code index}. */
    static LogRecord recordFor(long index) {
        return TestRecords.record(index, termFor(index), MAX_PAYLOAD);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        boolean lockstep = args[2].equals("lockstep");
        AtomicLong durableIndex = new AtomicLong();
        PrintStream out = System.out;
        SegmentedLog log = SegmentedLog.open(dir, OPTIONS);
        out.print("ready " + log.lastIndex() + " ok\n");
        out.flush();
        GroupCommitLog gc = GroupCommitLog.start(log, GroupCommitOptions.defaults().withLimits(64, 1 << 20),
                                                 new DurabilityListener() {
            @Override
            public void durable(long index, long term) {
                out.print("durable " + index + " ok\n"); // one write: a kill cannot split the line
                out.flush();
                synchronized (durableIndex) {
                    durableIndex.set(index);
                    durableIndex.notifyAll();
                }
            }

            @Override
            public void failed(Throwable cause) {
                cause.printStackTrace();
                Runtime.getRuntime().halt(3);
            }
        });
        long next = log.lastIndex() + 1;
        for (long batch = 1; ; batch++) {
            int n = 1 + rnd.nextInt(40);
            List<LogRecord> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
                records.add(recordFor(next + i));
            gc.submit(LogWrite.append(records));
            next += n;
            if (lockstep) {
                synchronized (durableIndex) {
                    while (durableIndex.get() < next - 1)
                        durableIndex.wait();
                }
            }
            if (batch % 100 == 0 && next > 4000)
                gc.compact(next - 3000, termFor(next - 3000));
        }
    }
}
