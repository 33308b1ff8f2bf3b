package org.jgroups.abcast.bench;

import org.HdrHistogram.Histogram;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side benchmark of plain multicast, SEQUENCER, jgroups-raft and ABCAST (fsync on and off): for each system
 * and cluster size it starts the members as separate JVMs on loopback, and for each payload size measures
 * <ol>
 *   <li>throughput: every member sends with a full window; delivered messages/s at each member;</li>
 *   <li>latency with one message in flight per member (send to the sender's own delivery);</li>
 *   <li>latency at {@code load-fraction} (50%) of the measured throughput, paced, counted from the intended send
 *   time;</li>
 * </ol>
 * after a warm-up, each phase {@code reps} times, reporting the median. After every phase it waits until every member
 * delivered every message and checks per-sender FIFO everywhere and, for the totally ordered systems, that all
 * members delivered the same sequence. Results go to stdout (one {@code bench:} line per workload and one
 * {@code ratio:} line per workload shape) and to {@code results/bench-<timestamp>/}: results.md, results.csv,
 * chart.png, the stack files and JVM options used, member logs. See docs/benchmarks.md.
 */
public final class BenchMain {
    private final BenchConfig cfg;
    private final PrintStream out;
    private final Path dir;
    private final ClassPaths cp;
    private final Map<SystemKind, Path> stacks = new LinkedHashMap<>();
    private final Map<SystemKind, List<String>> jvmOptions = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();
    private final List<String> mperf = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** What a run produced. */
    public record Run(Path dir, List<Result> results, List<String> mperf, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private BenchMain(BenchConfig cfg, PrintStream out, Path dir, ClassPaths cp) {
        this.cfg = cfg;
        this.out = out;
        this.dir = dir;
        this.cp = cp;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig cfg;
        try {
            cfg = BenchConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Run run = run(cfg, System.out);
        if (!run.ok()) System.exit(1);
    }

    /** Runs the benchmark described by {@code cfg}, printing to {@code console} and into the run's folder. */
    public static Run run(BenchConfig cfg, PrintStream console) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path base = cfg.out.isAbsolute() ? cfg.out : cfg.basedir.resolve(cfg.out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = base.resolve("bench-" + stamp + (cfg.smoke ? "-smoke" : ""));
        for (int i = 2; Files.exists(dir); i++) dir = base.resolve("bench-" + stamp + (cfg.smoke ? "-smoke" : "") + "-" + i);
        Files.createDirectories(dir.resolve("logs"));
        try (OutputStream file = new FileOutputStream(dir.resolve("summary.txt").toFile());
             PrintStream tee = new PrintStream(new Tee(console, file), true, StandardCharsets.UTF_8)) {
            BenchMain b = new BenchMain(cfg, tee, dir, ClassPaths.locate(cfg.basedir));
            b.runAll();
            return new Run(dir, List.copyOf(b.results), List.copyOf(b.mperf), List.copyOf(b.problems));
        }
    }

    private void runAll() throws Exception {
        printHeader();
        Path dataRoot = Files.createTempDirectory("abcast-bench-");
        try {
            for (SystemKind k : cfg.systems) {
                try {
                    stacks.put(k, Stacks.write(k, dir.resolve("stacks"), cfg.basedir, cfg.abcastStack, cp.raftLib()));
                } catch (Exception e) {
                    problem(k.id + ": no stack: " + e.getMessage());
                }
            }
            for (Map.Entry<SystemKind, Path> e : stacks.entrySet()) {
                out.println("bench: stack " + e.getKey().id + " = " + e.getValue());
                if (!cfg.smoke) out.println(Files.readString(e.getValue()).stripTrailing());
            }
            for (int n : cfg.members) {
                for (SystemKind k : cfg.systems) {
                    if (!stacks.containsKey(k)) {
                        for (int size : cfg.sizes) results.add(Result.failed(k, n, size, "no stack file"));
                        continue;
                    }
                    runCluster(k, n, dataRoot.resolve(k.id + "-n" + n));
                }
            }
            printRatios();
            if (cfg.mperf) runMPerf(dataRoot.resolve("mperf"));
        } finally {
            if (!cfg.keepData) Cluster.deleteTree(dataRoot);
        }
        Report.write(dir, cfg, results, stacks, jvmOptions, mperf, problems);
        out.println("bench: results in " + dir + " (results.md, results.csv, chart.png, summary.txt, stacks/, logs/)");
        out.println(problems.isEmpty() ? "bench: all checks passed"
                                       : "bench: " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }

    private void printHeader() {
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "bench: run %s%n", dir);
        out.printf(Locale.ROOT, "bench: machine cores=%d java=%s (%s) os=%s %s%n", rt.availableProcessors(),
                   System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                   System.getProperty("os.version"));
        out.printf(Locale.ROOT, "bench: member jvm options (all systems): %s%n", String.join(" ", cfg.jvmOpts));
        out.printf(Locale.ROOT, "bench: systems=%s members=%s sizes=%s reps=%d warmup_ms=%d throughput_ms=%d "
                                + "latency_ms=%d load_ms=%d load_fraction=%.2f window=%s%n",
                   SystemKind.ids(cfg.systems), cfg.members, cfg.sizes, cfg.reps, cfg.warmupMs, cfg.throughputMs,
                   cfg.latencyMs, cfg.loadMs, cfg.loadFraction, cfg.window > 0 ? cfg.window : "auto(" + windowsText() + ")");
    }

    private String windowsText() {
        StringBuilder sb = new StringBuilder();
        for (int s : cfg.sizes) sb.append(sb.length() == 0 ? "" : ",").append(s).append("B:").append(cfg.window(s));
        return sb.toString();
    }

    private void runCluster(SystemKind kind, int n, Path dataRoot) {
        int done = 0;
        try (Cluster c = startCluster(kind, n, dataRoot)) {
            if (!jvmOptions.containsKey(kind)) {
                jvmOptions.put(kind, c.memberJvmOptions());
                out.println("bench: jvm " + kind.id + " member 0: " + String.join(" ", c.memberJvmOptions()));
            }
            Phases ph = new Phases(c);
            for (int size : cfg.sizes) {
                Result r = runWorkload(ph, kind, n, size, done == 0);
                results.add(r);
                done++;
                printResult(r);
            }
        } catch (Exception e) {
            String msg = e instanceof Cluster.BenchException ? e.getMessage() : e.toString();
            problem(kind.id + " members=" + n + ": " + msg);
            for (int i = done; i < cfg.sizes.size(); i++) {
                Result r = Result.failed(kind, n, cfg.sizes.get(i), firstLine(msg));
                results.add(r);
                printResult(r);
            }
        }
    }

    /** Starts the members and waits until they are ready; a failed start (e.g. a port taken meanwhile) is retried once. */
    private Cluster startCluster(SystemKind kind, int n, Path dataRoot) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long t0 = System.nanoTime();
            Path root = dataRoot.resolveSibling(dataRoot.getFileName() + (attempt == 1 ? "" : "-" + attempt));
            Cluster c = new Cluster(kind, n, stacks.get(kind), root, dir.resolve("logs"), cfg, cp, attempt);
            try {
                c.start();
                c.awaitReady();
                out.printf(Locale.ROOT, "bench: %s with %d members ready after %.1f s%n", kind.id, n,
                           (System.nanoTime() - t0) / 1e9);
                return c;
            } catch (Exception e) {
                c.close();
                if (attempt >= 2) throw e;
                out.println("bench: " + kind.id + " with " + n + " members failed to start, retrying once: "
                            + firstLine(e instanceof Cluster.BenchException ? e.getMessage() : e.toString()));
            }
        }
    }

    private Result runWorkload(Phases ph, SystemKind kind, int n, int size, boolean first) throws Exception {
        int window = cfg.window(size);
        List<String> issues = new ArrayList<>();
        ph.run(size, window, 0, first ? 2 * cfg.warmupMs : cfg.warmupMs);
        ph.drain(issues);

        List<Double> tput = new ArrayList<>();
        List<double[]> tputLat = new ArrayList<>();
        for (int r = 0; r < cfg.reps; r++) {
            List<Map<String, String>> replies = ph.run(size, window, 0, cfg.throughputMs);
            tput.add(meanRate(replies));
            tputLat.add(percentiles(replies));
            ph.drain(issues);
        }
        double msgsPerSec = median(tput);

        List<double[]> lat1 = new ArrayList<>();
        for (int r = 0; r < cfg.reps; r++) {
            settleDisk();
            lat1.add(percentiles(ph.run(size, 1, 0, cfg.latencyMs)));
            ph.drain(issues);
        }

        double rate = cfg.loadFraction * msgsPerSec / n;
        List<double[]> load = new ArrayList<>();
        for (int r = 0; r < cfg.reps; r++) {
            settleDisk();
            load.add(percentiles(ph.run(size, window, rate, cfg.loadMs)));
            ph.drain(issues);
        }
        printStats(kind, n, size, ph.lastDrain);
        String problem = issues.isEmpty() ? null : String.join("; ", issues);
        if (problem != null) problem(kind.id + " members=" + n + " size=" + size + ": " + problem);
        return new Result(kind, n, size, cfg.reps, msgsPerSec, tput, medians(lat1), rate, medians(load),
                          medians(tputLat), problem);
    }

    /** Runs phases on one cluster, keeping the count of messages sent so far (what every member must deliver). */
    private final class Phases {
        final Cluster c;
        long expected;
        List<Map<String, String>> lastDrain = List.of();

        Phases(Cluster c) {
            this.c = c;
        }

        List<Map<String, String>> run(int size, int window, double rate, long durationMs) throws Exception {
            long skip = Math.min(durationMs / 2, Math.max(100, durationMs / 5));
            String cmd = Control.line("RUN", "size", size, "window", window, "rate", String.format(Locale.ROOT, "%.3f", rate),
                                      "duration_ms", durationMs, "skip_ms", skip);
            List<Map<String, String>> replies = c.all(cmd, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs + 90_000));
            long total = 0;
            for (Map<String, String> r : replies) {
                if (r.containsKey("error")) throw c.failure("member " + r.get("index") + ": " + r.get("error"));
                total += Control.num(r, "sent");
            }
            expected = total;
            if (cfg.verbose) {
                StringBuilder sb = new StringBuilder();
                // CPU of all member processes per message delivered (each message is delivered at every member):
                // unlike the rates, hardly affected by other load on the machine.
                long cpu = 0, delivered = 0;
                for (Map<String, String> r : replies) {
                    cpu += r.containsKey("cpu_nanos") ? Control.num(r, "cpu_nanos") : 0;
                    delivered += Control.num(r, "delivered");
                }
                sb.append(String.format(Locale.ROOT, " cpu_us_per_msg=%.2f",
                                        cpu / 1e3 / Math.max(1.0, (double) delivered / replies.size())));
                for (Map<String, String> r : replies) {
                    Histogram h = BenchMember.decode(r.get("hist"));
                    sb.append(String.format(Locale.ROOT, " m%s:%.0f/s,p50=%.2f,p99=%.2f,n=%d,cpu_us=%.2f", r.get("index"),
                                            Control.num(r, "delivered") * 1e9 / Math.max(1, Control.num(r, "nanos")),
                                            h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                                            h.getTotalCount(), (r.containsKey("cpu_nanos") ? Control.num(r, "cpu_nanos") : 0)
                                                / 1e3 / Math.max(1, Control.num(r, "delivered"))));
                }
                out.println("bench: phase " + c.kind.id + " size=" + size + " window=" + window + " rate="
                            + String.format(Locale.ROOT, "%.0f", rate) + " ms=" + durationMs + sb);
            }
            return replies;
        }

        /** Waits until every member delivered everything sent so far, then checks FIFO and (if ordered) the order. */
        void drain(List<String> issues) throws Exception {
            List<Map<String, String>> replies = c.all(Control.line("DRAIN", "total", expected, "timeout_ms", cfg.drainTimeoutMs),
                                                      System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.drainTimeoutMs + 30_000));
            lastDrain = replies;
            String digest = null;
            for (Map<String, String> r : replies) {
                long delivered = Control.num(r, "delivered");
                if (delivered != expected)
                    throw c.failure("member " + r.get("index") + " delivered " + delivered + " of " + expected
                                    + " messages within " + cfg.drainTimeoutMs + " ms; all members: " + replies);
                if (Control.num(r, "fifo_violations") != 0)
                    addOnce(issues, "FIFO violated at member " + r.get("index") + " (" + r.get("fifo_violations") + ")");
                if (Control.num(r, "foreign") != 0)
                    addOnce(issues, "member " + r.get("index") + " delivered " + r.get("foreign") + " foreign messages");
                if (c.kind.totalOrder) {
                    if (digest == null) digest = r.get("digest");
                    else if (!digest.equals(r.get("digest")))
                        addOnce(issues, "total order violated: member " + r.get("index") + " delivered another sequence");
                }
            }
        }
    }

    /**
     * Before a latency phase: write back the dirty pages the previous phases left (all members share one disk
     * here, so the next fsyncs would otherwise pay for the previous phase's writes) — {@code sync}, bounded in time.
     */
    private static void settleDisk() {
        try {
            Process p = new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (java.io.IOException e) {
            // no sync(1) here: measure without settling
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The system's own counters at each member after the workload, when it has any (for profiling). */
    private void printStats(SystemKind kind, int n, int size, List<Map<String, String>> drained) {
        for (Map<String, String> r : drained) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : r.entrySet())
                if (e.getKey().startsWith("abcast_") || e.getKey().startsWith("recovery_") || e.getKey().startsWith("raft_"))
                    sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
            if (sb.length() > 0)
                out.printf(Locale.ROOT, "bench: stats system=%s members=%d size=%d member=%s%s%n", kind.id, n, size,
                           r.get("index"), sb);
        }
    }

    private static void addOnce(List<String> issues, String s) {
        if (!issues.contains(s)) issues.add(s);
    }

    private static double meanRate(List<Map<String, String>> replies) {
        double sum = 0;
        for (Map<String, String> r : replies)
            sum += Control.num(r, "delivered") * 1e9 / Math.max(1, Control.num(r, "nanos"));
        return sum / replies.size();
    }

    /**
     * p50, p99, p99.9 in ms of the own-delivery latency, each member weighted equally (the percentile of the mixture of
     * the members' distributions). Pooling the samples instead would favour the members that complete faster, as they
     * send more in a closed loop: SEQUENCER's coordinator, or ABCAST's leader.
     */
    static double[] percentiles(List<Map<String, String>> replies) {
        List<Histogram> hs = new ArrayList<>();
        long max = 0;
        for (Map<String, String> r : replies) {
            Histogram h = BenchMember.decode(r.get("hist"));
            if (h.getTotalCount() == 0) continue;
            hs.add(h);
            max = Math.max(max, h.getMaxValue());
        }
        if (hs.isEmpty()) return new double[]{Double.NaN, Double.NaN, Double.NaN};
        double[] qs = {50, 99, 99.9}, out = new double[3];
        for (int i = 0; i < 3; i++) {
            long lo = 0, hi = max;
            while (lo < hi) { // smallest v with mean_i(F_i(v)) >= q
                long mid = lo + (hi - lo) / 2;
                double f = 0;
                for (Histogram h : hs) f += h.getPercentileAtOrBelowValue(mid);
                if (f / hs.size() >= qs[i]) hi = mid;
                else lo = mid + 1;
            }
            out[i] = lo / 1e6;
        }
        return out;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (a.length == 0) return Double.NaN;
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double[] medians(List<double[]> reps) {
        double[] m = new double[3];
        for (int i = 0; i < 3; i++) {
            List<Double> col = new ArrayList<>();
            for (double[] r : reps) col.add(r[i]);
            m[i] = median(col);
        }
        return m;
    }

    private void printResult(Result r) {
        out.printf(Locale.ROOT, "bench: system=%s members=%d size=%d msgs_per_sec_per_member=%s p50_ms=%s p99_ms=%s"
                                + " p999_ms=%s mb_per_sec=%s load_rate_per_sender=%s load_p50_ms=%s load_p99_ms=%s"
                                + " load_p999_ms=%s checks=%s%n",
                   r.system().id, r.members(), r.size(), Report.num(r.msgsPerSecPerMember(), 0), Report.num(r.lat1()[0], 3),
                   Report.num(r.lat1()[1], 3), Report.num(r.lat1()[2], 3), Report.num(r.mbPerSec(), 2),
                   Report.num(r.loadRatePerSender(), 0), Report.num(r.load()[0], 3), Report.num(r.load()[1], 3),
                   Report.num(r.load()[2], 3), r.ok() ? "ok" : "FAILED");
    }

    private void printRatios() {
        for (int n : cfg.members) {
            for (int size : cfg.sizes) {
                Result abcast = find(SystemKind.ABCAST_FSYNC, n, size);
                if (abcast == null) continue;
                out.printf(Locale.ROOT, "ratio: abcast/sequencer=%s abcast/jgroups-raft=%s abcast/plain=%s members=%d size=%d%n",
                           ratio(abcast, SystemKind.SEQUENCER), ratio(abcast, SystemKind.RAFT),
                           ratio(abcast, SystemKind.PLAIN), n, size);
            }
        }
        Result a = find(SystemKind.ABCAST_FSYNC, 3, 1024);
        if (a == null) return;
        target("abcast/sequencer throughput", ratioValue(a, SystemKind.SEQUENCER), ">=", 1.0);
        target("abcast/jgroups-raft throughput", ratioValue(a, SystemKind.RAFT), ">=", 5.0);
        target("abcast p50 ms at one in flight", a.lat1()[0], "<=", 2.0);
    }

    private void target(String what, double v, String op, double bound) {
        if (Double.isNaN(v)) return;
        boolean met = op.equals(">=") ? v >= bound : v <= bound;
        out.printf(Locale.ROOT, "target: %s (3 members, 1 KB) = %s, wanted %s %s: %s%n", what, Report.num(v, 2), op,
                   Report.num(bound, 1), met ? "met" : "MISSED");
    }

    private String ratio(Result abcast, SystemKind other) {
        double r = ratioValue(abcast, other);
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
    }

    private double ratioValue(Result abcast, SystemKind other) {
        Result o = find(other, abcast.members(), abcast.size());
        if (o == null || !(o.msgsPerSecPerMember() > 0)) return Double.NaN;
        return abcast.msgsPerSecPerMember() / o.msgsPerSecPerMember();
    }

    Result find(SystemKind k, int n, int size) {
        for (Result r : results)
            if (r.system() == k && r.members() == n && r.size() == size && !Double.isNaN(r.msgsPerSecPerMember())) return r;
        return null;
    }

    private void runMPerf(Path dataRoot) {
        List<SystemKind> kinds = new ArrayList<>();
        kinds.add(SystemKind.SEQUENCER);
        kinds.add(SystemKind.ABCAST_FSYNC);
        for (SystemKind k : kinds) {
            try {
                Path stack = Stacks.write(k, dir.resolve("stacks"), cfg.basedir, cfg.abcastStack, cp.raftLib());
                String line = MPerfRunner.run(k, stack, cfg, cp, dir.resolve("mperf"), dataRoot.resolve(k.id));
                mperf.add(line);
                out.println(line);
            } catch (Exception e) {
                String msg = e instanceof Cluster.BenchException ? e.getMessage() : e.toString();
                problem("mperf " + k.id + ": " + msg);
                mperf.add("mperf: stack=" + Stacks.fileName(k) + " FAILED: " + firstLine(msg));
                out.println(mperf.get(mperf.size() - 1));
            }
        }
    }

    private void problem(String p) {
        problems.add(p);
        out.println("bench: PROBLEM " + p);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Writes everything to the console and the run's summary file. */
    private static final class Tee extends OutputStream {
        private final OutputStream a, b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
