package org.jgroups.abcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** results.md, results.csv and chart.png of a run. */
final class Report {
    private Report() {
    }

    static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "n/a";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static void write(Path dir, BenchConfig cfg, List<Result> results, Map<SystemKind, Path> stacks,
                      Map<SystemKind, List<String>> jvmOptions, List<String> mperf, List<String> problems)
        throws IOException {
        Files.writeString(dir.resolve("results.csv"), csv(results));
        Files.writeString(dir.resolve("results.md"), markdown(dir, cfg, results, stacks, jvmOptions, mperf, problems));
        Chart.write(dir.resolve("chart.png"), results, cfg);
    }

    static String csv(List<Result> results) {
        StringBuilder sb = new StringBuilder("system,members,size_bytes,msgs_per_sec_per_member,mb_per_sec,reps,"
                                             + "lat1_p50_ms,lat1_p99_ms,lat1_p999_ms,load_rate_per_sender,"
                                             + "load_p50_ms,load_p99_ms,load_p999_ms,tput_p50_ms,tput_p99_ms,tput_p999_ms,"
                                             + "throughput_reps,checks\n");
        for (Result r : results) {
            StringBuilder reps = new StringBuilder();
            for (double d : r.throughputReps()) reps.append(reps.length() == 0 ? "" : ";").append(num(d, 0));
            sb.append(String.join(",", r.system().id, String.valueOf(r.members()), String.valueOf(r.size()),
                                  num(r.msgsPerSecPerMember(), 0), num(r.mbPerSec(), 3), String.valueOf(r.reps()),
                                  num(r.lat1()[0], 3), num(r.lat1()[1], 3), num(r.lat1()[2], 3),
                                  num(r.loadRatePerSender(), 0), num(r.load()[0], 3), num(r.load()[1], 3),
                                  num(r.load()[2], 3), num(r.atThroughput()[0], 3), num(r.atThroughput()[1], 3),
                                  num(r.atThroughput()[2], 3), reps.toString(),
                                  r.ok() ? "ok" : "\"" + r.problem().replace("\"", "'") + "\""))
                .append('\n');
        }
        return sb.toString();
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| system | members | size | msgs/s per member | MB/s | 1 in flight p50 / p99 / p99.9 ms "
                  + "| 50% load: rate/sender | 50% load p50 / p99 / p99.9 ms | checks |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Result r : results) {
            sb.append("| ").append(r.system().id).append(" | ").append(r.members()).append(" | ").append(size(r.size()))
                .append(" | ").append(num(r.msgsPerSecPerMember(), 0)).append(" | ").append(num(r.mbPerSec(), 1))
                .append(" | ").append(lat(r.lat1())).append(" | ").append(num(r.loadRatePerSender(), 0))
                .append(" | ").append(lat(r.load())).append(" | ").append(r.ok() ? "ok" : "FAILED: " + brief(r.problem()))
                .append(" |\n");
        }
        return sb.toString();
    }

    private static String brief(String problem) {
        String s = problem.replace('|', '/');
        return s.length() <= 160 ? s : s.substring(0, 160) + "… (see summary.txt)";
    }

    private static String lat(double[] p) {
        return num(p[0], 2) + " / " + num(p[1], 2) + " / " + num(p[2], 2);
    }

    static String size(int bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KB" : bytes + " B";
    }

    private static String markdown(Path dir, BenchConfig cfg, List<Result> results, Map<SystemKind, Path> stacks,
                                   Map<SystemKind, List<String>> jvmOptions, List<String> mperf, List<String> problems)
        throws IOException {
        StringBuilder sb = new StringBuilder("# Benchmark ").append(dir.getFileName()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "Machine: %d cores, Java %s (%s), %s %s. Members on loopback, one JVM each.%n%n",
                                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                                System.getProperty("java.vm.name"), System.getProperty("os.name"),
                                System.getProperty("os.version")));
        sb.append(String.format(Locale.ROOT, "Phases: warm-up %d ms (doubled for the first size of each cluster), then %d "
                                + "repetitions each of throughput %d ms, one-in-flight latency %d ms, %.0f%%-load latency "
                                + "%d ms; medians reported. Every member sends. Window (messages in flight per member) in "
                                + "the throughput and load phases: %s.%n%n", cfg.warmupMs, cfg.reps, cfg.throughputMs,
                                cfg.latencyMs, cfg.loadFraction * 100, cfg.loadMs,
                                cfg.window > 0 ? String.valueOf(cfg.window) : "min(2000, max(64, 16 MiB / size))"));
        sb.append("![chart](chart.png)\n\n");
        sb.append(table(results)).append('\n');
        sb.append("msgs/s per member: messages (from all senders) delivered per second at each member, averaged over "
                  + "members. MB/s = that × payload size / 10^6. Latency: from send to the sender's own delivery "
                  + "(HdrHistogram; percentiles weight every member's own messages equally). Details: docs/benchmarks.md.\n\n");
        if (!mperf.isEmpty()) {
            sb.append("## JGroups MPerf on the same stacks\n\n```\n");
            for (String m : mperf) sb.append(m).append('\n');
            sb.append("```\n\n");
        }
        if (!problems.isEmpty()) {
            sb.append("## Problems\n\n");
            for (String p : problems) sb.append("- ").append(p.replace("\n", "\n  ")).append('\n');
            sb.append('\n');
        }
        sb.append("## JVM options\n\n");
        sb.append("Every member: `").append(String.join(" ", cfg.jvmOpts)).append("`\n\n");
        for (Map.Entry<SystemKind, List<String>> e : jvmOptions.entrySet())
            sb.append("- ").append(e.getKey().id).append(" (member 0): `").append(String.join(" ", e.getValue()))
                .append("`\n");
        sb.append("\n## Stack files\n\n");
        for (Map.Entry<SystemKind, Path> e : stacks.entrySet()) {
            sb.append("### ").append(e.getKey().id).append(" — `stacks/").append(e.getValue().getFileName())
                .append("`\n\n```xml\n").append(Files.readString(e.getValue()).stripTrailing()).append("\n```\n\n");
        }
        return sb.toString();
    }
}
