package org.jgroups.abcast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * N member processes of one system on loopback, each connected back to this coordinator through a control socket.
 * Closing always ends every process within a bounded time (EXIT, then destroy, then destroyForcibly), and a
 * shutdown hook kills whatever is left if the coordinator itself is stopped.
 */
final class Cluster implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    /** Processes the shutdown hook kills if the coordinator stops before closing them. */
    static Process track(Process p) {
        LIVE.add(p);
        return p;
    }

    static void untrack(Process p) {
        LIVE.remove(p);
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "bench-reaper"));
    }

    final SystemKind kind;
    final int n;
    private final Path stack, dataRoot, logDir;
    private final BenchConfig cfg;
    private final ClassPaths cp;
    private final String clusterName;
    private final List<Process> processes = new ArrayList<>();
    private final Member[] members;
    private ServerSocket control;
    private List<String> memberJvmOptions = List.of();

    private static final class Member {
        Socket socket;
        BufferedReader in;
        PrintWriter out;
    }

    private final String logPrefix;

    Cluster(SystemKind kind, int n, Path stack, Path dataRoot, Path logDir, BenchConfig cfg, ClassPaths cp, int attempt) {
        this.kind = kind;
        this.n = n;
        this.stack = stack;
        this.dataRoot = dataRoot;
        this.logDir = logDir;
        this.cfg = cfg;
        this.cp = cp;
        this.members = new Member[n];
        this.clusterName = "bench-" + kind.id + "-" + n + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        this.logPrefix = kind.id + "-n" + n + (attempt == 1 ? "" : "-try" + attempt);
    }

    /** Starts the processes and waits until each has connected its channel. */
    void start() throws Exception {
        control = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Files.createDirectories(dataRoot);
        Files.createDirectories(logDir);
        Addressing addr = Addressing.of(n);
        for (int i = 0; i < n; i++) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> opts = new ArrayList<>(cfg.jvmOpts);
            Path data = dataRoot.resolve("m" + i);
            opts.addAll(addr.systemProperties(kind, i, data));
            if (kind == SystemKind.RAFT) Files.createDirectories(data);
            // jgroups-raft's JVMs have no log4j2 (JGroups then logs through java.util.logging)
            if (kind != SystemKind.RAFT) opts.add("-Dlog4j2.configurationFile=" + logConfig(logDir));
            if (cfg.jfr.contains(kind)) {
                Path jfrDir = logDir.resolveSibling("jfr");
                Files.createDirectories(jfrDir);
                opts.add("-XX:StartFlightRecording=settings=" + cfg.jfrSettings + ",dumponexit=true,filename="
                         + jfrDir.resolve(logPrefix + "-m" + i + ".jfr"));
            }
            if (i == 0) memberJvmOptions = List.copyOf(opts);
            cmd.addAll(opts);
            cmd.add("-cp");
            cmd.add(kind == SystemKind.RAFT ? cp.raft() : cp.main());
            cmd.add(BenchMember.class.getName());
            cmd.addAll(List.of("system=" + kind.id, "index=" + i, "members=" + n, "stack=" + stack,
                               "cluster=" + clusterName, "control=" + control.getLocalPort()));
            Path log = logDir.resolve(logPrefix + "-m" + i + ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LIVE.add(p);
            processes.add(p);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.readyTimeoutMs);
        control.setSoTimeout(250);
        for (int connected = 0; connected < n; ) {
            checkAlive("starting");
            if (System.nanoTime() > deadline) throw failure("members did not connect to the coordinator in time");
            Socket s;
            try {
                s = control.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            s.setTcpNoDelay(true);
            Member m = new Member();
            m.socket = s;
            m.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            m.out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8), true);
            s.setSoTimeout(5000);
            Map<String, String> hello = Control.parse(m.in.readLine());
            members[(int) Control.num(hello, "index")] = m;
            connected++;
        }
        for (int i = 0; i < n; i++) {
            Map<String, String> up = read(i, deadline);
            if (!"UP".equals(up.get(""))) throw failure("member " + i + " failed to connect its channel: " + up);
        }
    }

    /** The JVM options of member 0 (the others differ only in their port, id and data directory). */
    List<String> memberJvmOptions() {
        return memberJvmOptions;
    }

    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.readyTimeoutMs);
        String last = "";
        while (true) {
            List<Map<String, String>> replies = all("READY?", deadline);
            List<String> waiting = new ArrayList<>();
            for (Map<String, String> r : replies)
                if (!"READY".equals(r.get(""))) waiting.add(r.get("reason"));
            if (waiting.isEmpty()) return;
            last = String.join("; ", waiting);
            if (System.nanoTime() > deadline) throw failure("cluster not ready in time: " + last);
            Thread.sleep(100);
        }
    }

    /** Sends {@code command} to every member and returns their replies in member order. */
    List<Map<String, String>> all(String command, long deadlineNanos) throws Exception {
        for (Member m : members) m.out.println(command);
        List<Map<String, String>> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) replies.add(read(i, deadlineNanos));
        return replies;
    }

    private Map<String, String> read(int i, long deadlineNanos) throws Exception {
        Member m = members[i];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) throw failure("member " + i + " did not answer in time");
            m.socket.setSoTimeout((int) Math.min(left, 500));
            try {
                String line = m.in.readLine();
                if (line == null) throw failure("member " + i + " closed its control connection");
                Map<String, String> r = Control.parse(line);
                if ("FAILED".equals(r.get(""))) throw failure("member " + i + " failed: " + r);
                return r;
            } catch (SocketTimeoutException e) {
                checkAlive("waiting for member " + i);
            }
        }
    }

    private void checkAlive(String doing) throws BenchException {
        for (int i = 0; i < processes.size(); i++)
            if (!processes.get(i).isAlive())
                throw failure("member " + i + " exited with code " + processes.get(i).exitValue() + " while " + doing);
    }

    BenchException failure(String what) {
        StringBuilder sb = new StringBuilder(kind.id + " with " + n + " members: " + what);
        for (int i = 0; i < n; i++) {
            Path log = logDir.resolve(logPrefix + "-m" + i + ".log");
            sb.append("\n  --- tail of ").append(log).append(" ---");
            try {
                List<String> lines = Files.readAllLines(log);
                for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) sb.append("\n  ").append(l);
            } catch (IOException e) {
                sb.append("\n  (unreadable: ").append(e).append(')');
            }
        }
        return new BenchException(sb.toString());
    }

    static Path logConfig(Path logDir) throws IOException {
        Path f = logDir.resolve("log4j2-members.xml");
        if (!Files.exists(f))
            Files.writeString(f, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Logging of the benchmark's member processes: warnings and errors only. -->
                <Configuration status="WARN">
                  <Appenders>
                    <Console name="out" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{HH:mm:ss,SSS} %-5p [%t] %c{1}: %m%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Root level="warn"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """);
        return f;
    }

    /**
     * Bind ports for JGroups members: random, below the kernel's ephemeral range (32768 and up on Linux) so that no
     * client socket — e.g. a member's own control connection — can take one between this check and the member's
     * bind, and each with port + 100 free too (FD_SOCK2 listens there).
     */
    static int[] freePorts(int count) {
        java.util.Random rnd = new java.util.Random();
        int[] ports = new int[count];
        for (int i = 0; i < count; ) {
            int p = 20_000 + rnd.nextInt(12_000);
            boolean taken = false;
            for (int j = 0; j < i; j++) taken |= Math.abs(ports[j] - p) <= 1 || Math.abs(ports[j] - p) == 100;
            if (!taken && bindable(p) && bindable(p + 100)) ports[i++] = p;
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** EXIT to everyone, then destroy what is still running; bounded in time. Deletes the data directories. */
    @Override
    public void close() {
        for (Member m : members)
            if (m != null) m.out.println("EXIT");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process p : processes) waitFor(p, deadline);
        for (Process p : processes) if (p.isAlive()) p.destroy();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (Process p : processes) waitFor(p, deadline);
        for (Process p : processes) {
            if (p.isAlive()) p.destroyForcibly();
            waitFor(p, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            LIVE.remove(p);
        }
        for (Member m : members)
            if (m != null) try {
                m.socket.close();
            } catch (IOException ignored) {
            }
        try {
            if (control != null) control.close();
        } catch (IOException ignored) {
        }
        if (!cfg.keepData) deleteTree(dataRoot);
    }

    private static void waitFor(Process p, long deadlineNanos) {
        try {
            p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                }
            });
        } catch (IOException ignored) {
        }
    }

    static final class BenchException extends Exception {
        BenchException(String msg) {
            super(msg);
        }
    }
}
