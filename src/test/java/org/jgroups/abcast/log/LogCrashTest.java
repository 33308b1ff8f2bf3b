package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a process that writes through {@link GroupCommitLog} with SIGKILL at random moments, many times, and checks
 * after each kill that every record it was told is durable is present and intact, and that the log is a clean
 * prefix of what was written. Lives alternate between a pipelined writer (group commit under load) and a lockstep
 * one (acknowledged index = end of the log). The number of kills comes from {@code -Dlog.crash.kills} (default 50).
 */
class LogCrashTest {
    private static final Pattern LINE = Pattern.compile("(ready|durable) (\\d+) ok");

    @TempDir
    Path tmp;

    /** One run of the child process. */
    private static final class Life {
        final Process process;
        final Thread reader;
        final CountDownLatch ready = new CountDownLatch(1);
        volatile long maxDurable;

        Life(Path dir, long seed, String mode, Path stderr) throws IOException {
            process = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx128m",
                                         "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                                         "-cp", System.getProperty("java.class.path"),
                                         LogCrashChild.class.getName(), dir.toString(), Long.toString(seed), mode)
              .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
            reader = new Thread(this::readOutput, "crash-child-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                              StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    Matcher m = LINE.matcher(line);
                    if (!m.matches())
                        continue; // e.g. the last line, cut by the kill
                    if (m.group(1).equals("ready"))
                        ready.countDown();
                    else
                        maxDurable = Math.max(maxDurable, Long.parseLong(m.group(2)));
                }
            }
            catch (IOException ignored) { // the pipe breaks when the child dies
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the child died after SIGKILL");
            reader.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyRecordReportedDurableSurvivesSigkill() throws Exception {
        int kills = Integer.getInteger("log.crash.kills", 50);
        Random rnd = new Random(Long.getLong("log.crash.seed", 7));
        Path dir = tmp.resolve("log"), stderr = tmp.resolve("child-stderr.txt");
        long acked = 0, lost = 0;
        for (int k = 0; k < kills; k++) {
            Life life = new Life(dir, k, k % 2 == 0 ? "pipelined" : "lockstep", stderr);
            try {
                if (rnd.nextInt(8) == 0) // now and then during start-up or recovery
                    Thread.sleep(rnd.nextInt(400));
                else {
                    assertTrue(life.ready.await(60, TimeUnit.SECONDS), "child " + k + " started; " + tail(stderr));
                    Thread.sleep(10 + rnd.nextInt(150));
                }
                assertTrue(life.process.isAlive(), "child " + k + " was still running when killed; " + tail(stderr));
            }
            finally {
                life.kill();
            }
            acked = Math.max(acked, life.maxDurable);
            lost += verify(dir, acked, k);
        }
        System.out.println("log-crash: kills=" + kills + " acked=" + acked + " lost=" + lost);
        assertEquals(0, lost, "records reported durable but missing after a kill");
        assertTrue(acked > 0, "the children reported durable records");
    }

    /** Checks the log is a clean prefix of what was written; returns how many acknowledged records are missing. */
    private static long verify(Path dir, long acked, int kill) throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, LogCrashChild.OPTIONS)) {
            long first = log.firstIndex(), last = log.lastIndex();
            if (first > 1)
                assertEquals(LogCrashChild.termFor(first - 1), log.termAt(first - 1),
                             "after kill " + kill + ": term of the compaction point");
            for (long i = first; i <= last; ) {
                List<LogRecord> records = log.read(i, last, 1 << 20);
                for (LogRecord r : records) {
                    assertEquals(LogCrashChild.recordFor(i), r, "after kill " + kill + ": record " + i);
                    i++;
                }
            }
            return Math.max(0, acked - last);
        }
    }

    private static String tail(Path stderr) throws IOException {
        if (!Files.exists(stderr))
            return "no stderr";
        List<String> lines = Files.readAllLines(stderr);
        return "stderr: " + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
