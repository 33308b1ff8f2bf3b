package org.jgroups.abcast.multiprocess;

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
import java.util.function.BooleanSupplier;

/**
 * A child JVM running a main class on the test classpath: its stdout lines are collected, lines can be written to its
 * stdin, stderr goes to a file. {@link #kill()} is SIGKILL ({@code destroyForcibly}), bounded in time.
 */
public final class ChildJvm implements AutoCloseable {
    public final String name;
    final Path stderr;
    private final Process process;
    private final PrintWriter stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.reader = new Thread(this::readStdout, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [jvmArgs] -cp <test classpath> mainClass [args]} with a small heap and fast start-up; the
     * working directory is the test's (the project root, where stacks/ is).
     */
    public static ChildJvm start(String name, List<String> jvmArgs, Class<?> mainClass, List<String> args, Path stderr)
        throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                                   "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                                   "-Xshare:auto", "-Djava.net.preferIPv4Stack=true"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
        return new ChildJvm(name, p, stderr);
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                          StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException ignored) { // the pipe breaks when the child is killed
        }
    }

    public void send(String line) {
        stdin.println(line);
    }

    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits until it is gone and its output is read. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
            throw new AssertionError(name + " (pid " + pid() + ") did not die after SIGKILL");
        reader.join(5_000);
    }

    /** Closes stdin (the child is expected to exit), then waits; kills it if it does not exit in time. */
    public int stop(String quitCommand, long timeoutMs) throws InterruptedException {
        if (quitCommand != null) send(quitCommand);
        try {
            OutputStream os = process.getOutputStream();
            os.close();
        } catch (IOException ignored) {
        }
        if (!process.waitFor(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            kill();
            return -1;
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        try {
            kill();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static void waitFor(String what, long timeoutMs, BooleanSupplier cond, Iterable<ChildJvm> children)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder sb = new StringBuilder("timed out after " + timeoutMs + " ms waiting for " + what);
                for (ChildJvm c : children) sb.append('\n').append(c.describe());
                throw new AssertionError(sb.toString());
            }
            Thread.sleep(20);
        }
    }

    /** The last lines of stdout and stderr, for failure messages. */
    public String describe() {
        List<String> out = lines();
        StringBuilder sb = new StringBuilder("--- " + name + (isAlive() ? " (running)" : " (exited)") + ", last stdout:");
        out.subList(Math.max(0, out.size() - 8), out.size()).forEach(l -> sb.append("\n  ").append(l));
        try {
            if (Files.exists(stderr)) {
                List<String> err = Files.readAllLines(stderr);
                sb.append("\n  stderr (").append(stderr).append("):");
                err.subList(Math.max(0, err.size() - 15), err.size()).forEach(l -> sb.append("\n  ").append(l));
            }
        } catch (IOException ignored) {
        }
        return sb.toString();
    }
}
