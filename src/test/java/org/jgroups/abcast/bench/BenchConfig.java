package org.jgroups.abcast.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Benchmark settings, from {@code --key=value} arguments (see docs/benchmarks.md). */
final class BenchConfig {
    List<SystemKind> systems = List.of(SystemKind.values());
    List<Integer> members = List.of(3, 5);
    List<Integer> sizes = List.of(100, 1024, 10 * 1024);
    int reps = 3;
    long warmupMs = 10_000, throughputMs = 3000, latencyMs = 2000, loadMs = 2000;
    double loadFraction = 0.5;
    int window = 0; // 0: automatic per size
    long drainTimeoutMs = 60_000, readyTimeoutMs = 90_000;
    Path out = Path.of("results");
    Path basedir = Path.of(System.getProperty("user.dir"));
    Path abcastStack; // null: <basedir>/stacks/abcast-tcp.xml
    boolean mperf = true;
    int mperfSeconds = 10, mperfMembers = 3, mperfSize = 1000;
    /**
     * Every member JVM, every system. One GC thread: 2 cores are shared by up to 5 member JVMs and the coordinator,
     * and parallel or concurrent GC threads in each would only fight over them.
     */
    List<String> jvmOpts = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1",
                                                   "-Djava.net.preferIPv4Stack=true"));
    List<SystemKind> jfr = List.of();
    String jfrSettings = "profile";
    boolean keepData;
    boolean verbose;
    boolean smoke;

    /** Messages a member may have in flight in the throughput phases: enough to fill every pipeline. */
    int window(int size) {
        if (window > 0) return window;
        return (int) Math.max(64, Math.min(2000, (16L << 20) / size));
    }

    static BenchConfig parse(String... args) {
        BenchConfig c = new BenchConfig();
        for (String arg : args) {
            if (arg.isBlank()) continue;
            if (arg.equals("--smoke")) {
                c.smoke();
                continue;
            }
            if (!arg.startsWith("--") || arg.indexOf('=') < 0)
                throw new IllegalArgumentException("expected --key=value, got '" + arg + "'\n" + usage());
            String key = arg.substring(2, arg.indexOf('=')), v = arg.substring(arg.indexOf('=') + 1);
            switch (key) {
                case "systems" -> c.systems = SystemKind.parseList(v);
                case "members" -> c.members = ints(v);
                case "sizes" -> c.sizes = ints(v);
                case "reps" -> c.reps = Integer.parseInt(v);
                case "warmup-ms" -> c.warmupMs = Long.parseLong(v);
                case "throughput-ms" -> c.throughputMs = Long.parseLong(v);
                case "latency-ms" -> c.latencyMs = Long.parseLong(v);
                case "load-ms" -> c.loadMs = Long.parseLong(v);
                case "load-fraction" -> c.loadFraction = Double.parseDouble(v);
                case "window" -> c.window = Integer.parseInt(v);
                case "drain-timeout-ms" -> c.drainTimeoutMs = Long.parseLong(v);
                case "out" -> c.out = Path.of(v);
                case "basedir" -> c.basedir = Path.of(v);
                case "abcast-stack" -> c.abcastStack = Path.of(v);
                case "mperf" -> c.mperf = Boolean.parseBoolean(v);
                case "mperf-seconds" -> c.mperfSeconds = Integer.parseInt(v);
                case "jvm-opt" -> c.jvmOpts.add(v);
                case "jvm-opts" -> c.jvmOpts = new ArrayList<>(List.of(v.trim().split("\\s+")));
                case "jfr" -> c.jfr = SystemKind.parseList(v);
                case "jfr-settings" -> c.jfrSettings = v;
                case "keep-data" -> c.keepData = Boolean.parseBoolean(v);
                case "verbose" -> c.verbose = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option --" + key + "\n" + usage());
            }
        }
        if (c.reps < 1 || c.members.isEmpty() || c.sizes.isEmpty() || c.systems.isEmpty())
            throw new IllegalArgumentException("nothing to run\n" + usage());
        for (int s : c.sizes)
            if (s < Payload.HEADER) throw new IllegalArgumentException("sizes must be >= " + Payload.HEADER + " bytes");
        return c;
    }

    /** A few seconds per system: 3 members, 1 KB, one repetition, tiny phases. */
    private void smoke() {
        smoke = true;
        systems = List.of(SystemKind.PLAIN, SystemKind.SEQUENCER, SystemKind.RAFT, SystemKind.ABCAST_FSYNC);
        members = List.of(3);
        sizes = List.of(1024);
        reps = 1;
        warmupMs = 300;
        throughputMs = 700;
        latencyMs = 400;
        loadMs = 500;
        mperf = false;
        drainTimeoutMs = 30_000;
        readyTimeoutMs = 45_000;
        jvmOpts = new ArrayList<>(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                          "-Djava.net.preferIPv4Stack=true"));
    }

    private static List<Integer> ints(String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(","))
            if (!s.isBlank()) out.add(Integer.parseInt(s.trim()));
        return out;
    }

    static String usage() {
        return """
            usage: BenchMain [--smoke] [--systems=plain,sequencer,jgroups-raft,abcast-fsync,abcast-nofsync]
                             [--members=3,5] [--sizes=100,1024,10240] [--reps=3] [--warmup-ms=10000]
                             [--throughput-ms=3000] [--latency-ms=2000] [--load-ms=2000] [--load-fraction=0.5]
                             [--window=N] [--mperf=true|false] [--mperf-seconds=10] [--jvm-opts="-Xmx1g ..."]
                             [--jvm-opt=-XX:...] [--jfr=abcast-fsync,...] [--jfr-settings=profile|file.jfc] [--out=results] [--keep-data=false] [--verbose=false]
                             [--abcast-stack=stacks/abcast-tcp.xml]""";
    }
}
