package org.jgroups.abcast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs JGroups' own {@code org.jgroups.tests.perf.MPerf} (from the JGroups jar, unchanged) on a stack: N MPerf
 * processes, all but one started with {@code -nohup} (they only follow the test commands MPerf multicasts), and one
 * interactive instance driven through its standard input: it waits for the full view, types {@code 1} (start the
 * test: every member sends for {@code -time} seconds), reads MPerf's result table, then types {@code x}.
 */
final class MPerfRunner {
    private static final Pattern VIEW = Pattern.compile("\\[[^|\\]]+\\|\\d+] \\((\\d+)\\)");
    private static final Pattern RATE = Pattern.compile("msgs/sec=([\\d,.]+), throughput=(\\S+)");

    private MPerfRunner() {
    }

    static String run(SystemKind kind, Path stack, BenchConfig cfg, ClassPaths cp, Path logDir, Path dataRoot)
        throws Exception {
        int n = cfg.mperfMembers;
        Files.createDirectories(logDir);
        Files.createDirectories(dataRoot);
        Addressing addr = Addressing.of(n);
        List<Process> procs = new ArrayList<>();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Path log0 = logDir.resolve("mperf-" + kind.id + "-m0.log");
        try {
            for (int i = n - 1; i >= 0; i--) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(cfg.jvmOpts);
                cmd.addAll(addr.systemProperties(kind, i, dataRoot.resolve("m" + i)));
                cmd.add("-Dlog4j2.configurationFile=" + Cluster.logConfig(logDir));
                cmd.add("-cp");
                cmd.add(cp.main());
                cmd.add("org.jgroups.tests.perf.MPerf");
                cmd.addAll(List.of("-props", stack.toString(), "-name", "m" + i, "-time",
                                   String.valueOf(cfg.mperfSeconds), "-size", String.valueOf(cfg.mperfSize)));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                if (i > 0) {
                    cmd.add("-nohup");
                    pb.command(cmd).redirectOutput(logDir.resolve("mperf-" + kind.id + "-m" + i + ".log").toFile());
                }
                Process p = Cluster.track(pb.start());
                procs.add(p);
                if (i == 0) {
                    Thread reader = new Thread(() -> copyLines(p, log0, lines), "mperf-reader");
                    reader.setDaemon(true);
                    reader.start();
                }
            }
            Process driver = procs.get(procs.size() - 1);
            OutputStream stdin = driver.getOutputStream();
            PrintWriter keys = new PrintWriter(stdin, true, StandardCharsets.UTF_8);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            await(lines, deadline, l -> {
                Matcher m = VIEW.matcher(l);
                return m.find() && Integer.parseInt(m.group(1)) == n;
            }, "a view of " + n + " members", procs);
            Thread.sleep(kind.isAbcast() ? 3000 : 500); // let ABCAST promote the joiners to voters
            keys.println("1");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2L * cfg.mperfSeconds + 60);
            List<String> seen = new ArrayList<>();
            String node = await(lines, deadline, l -> {
                seen.add(l);
                return l.contains("Average/node") || l.contains("Received no results");
            }, "MPerf's results", procs);
            String cluster = await(lines, System.nanoTime() + TimeUnit.SECONDS.toNanos(5),
                                   l -> l.contains("Average/cluster") || l.contains("===="), "the cluster average", procs);
            keys.println("x");
            keys.close();
            Matcher mn = RATE.matcher(node), mc = RATE.matcher(cluster);
            if (!mn.find()) throw new Cluster.BenchException("MPerf reported no results on " + stack + ": " + node);
            return String.format(Locale.ROOT, "mperf: stack=%s members=%d size=%d time_s=%d avg_node_msgs_per_sec=%s "
                                              + "avg_node_throughput=%s avg_cluster_msgs_per_sec=%s (log: %s)",
                                 stack.getFileName(), n, cfg.mperfSize, cfg.mperfSeconds, mn.group(1).replace(",", ""),
                                 mn.group(2), mc.find() ? mc.group(1).replace(",", "") : "n/a", log0.getFileName());
        } finally {
            for (Process p : procs) p.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (Process p : procs) {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (p.isAlive()) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                Cluster.untrack(p);
            }
        }
    }

    private interface LineTest {
        boolean test(String line);
    }

    private static String await(LinkedBlockingQueue<String> lines, long deadline, LineTest test, String what,
                                List<Process> procs) throws Exception {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new Cluster.BenchException("MPerf: no " + what + " in time");
            String l = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (l != null && test.test(l)) return l;
            if (l == null)
                for (Process p : procs)
                    if (!p.isAlive()) throw new Cluster.BenchException("MPerf process exited early (code " + p.exitValue() + ")");
        }
    }

    private static void copyLines(Process p, Path log, LinkedBlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true)) {
            for (String l; (l = r.readLine()) != null; ) {
                String clean = l.replaceAll("\u001B\\[[0-9;]*m", "");
                w.println(clean);
                lines.add(clean);
            }
        } catch (IOException ignored) {
        }
    }
}
