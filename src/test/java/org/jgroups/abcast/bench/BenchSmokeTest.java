package org.jgroups.abcast.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the benchmark harness working: the smoke mode (3 members, 1 KB, tiny phases) runs every smoke system as real
 * member processes, and each must deliver everything everywhere, FIFO per sender and, where ordered, in one total
 * order. No timing is asserted.
 */
class BenchSmokeTest {
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everySystemDeliversEverythingInOrder() throws Exception {
        BenchConfig cfg = BenchConfig.parse("--smoke", "--out=target/bench-smoke");
        PrintStream console = System.out;
        BenchMain.Run run = BenchMain.run(cfg, console);

        assertTrue(run.ok(), "problems: " + run.problems());
        List<Result> results = run.results();
        assertEquals(cfg.systems.size(), results.size(), "one result per system");
        for (Result r : results) {
            assertTrue(r.ok(), r.system().id + ": " + r.problem());
            assertTrue(r.msgsPerSecPerMember() > 0, r.system().id + " delivered nothing");
            assertTrue(r.lat1()[0] > 0, r.system().id + " recorded no latency");
        }
        for (String f : List.of("results.md", "results.csv", "chart.png", "summary.txt"))
            assertTrue(Files.size(run.dir().resolve(f)) > 0, f + " written");
        String csv = Files.readString(run.dir().resolve("results.csv"));
        assertEquals(results.size() + 1, csv.lines().count(), csv);
        assertTrue(Files.readString(run.dir().resolve("summary.txt")).contains("bench: system=abcast-fsync members=3 size=1024"));
        assertTrue(Files.exists(Path.of(run.dir().toString(), "stacks", "abcast-tcp.xml")));
    }
}
