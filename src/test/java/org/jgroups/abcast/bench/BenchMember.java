package org.jgroups.abcast.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One member process of the benchmark. Started by {@link Cluster} with
 * {@code system=<id> index=<i> members=<n> stack=<file> cluster=<name> control=<port>}; it connects back to the
 * coordinator on loopback and runs the commands it is sent, one at a time:
 * <ul>
 *   <li>{@code READY?} — replies {@code READY} when the member can be measured, else {@code WAIT reason=...}</li>
 *   <li>{@code RUN size= window= rate= duration_ms= skip_ms=} — sends for duration_ms, at most {@code window} own
 *   messages in flight, paced at {@code rate} msgs/s when rate > 0 (latency then counted from the intended send time);
 *   measures deliveries and own latency between skip_ms and duration_ms; replies {@code DONE ...}</li>
 *   <li>{@code DRAIN total= timeout_ms=} — waits until {@code total} messages were delivered here; replies
 *   {@code DRAINED ...} with the order digest and the FIFO check</li>
 *   <li>{@code EXIT} — leaves the cluster and exits</li>
 * </ul>
 * The process halts by itself when the control connection drops (the coordinator died) or after a maximum lifetime.
 */
public final class BenchMember {
    private static final long MAX_LIFETIME_MS = TimeUnit.MINUTES.toMillis(30);

    private final int index;
    private final MemberSystem system;
    private final Recorder recorder;
    private long seq;

    private BenchMember(int index, int members, MemberSystem system) {
        this.index = index;
        this.system = system;
        this.recorder = new Recorder(index, members, system.completesOnOwnDelivery());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Control.parse("MEMBER " + String.join(" ", args));
        SystemKind kind = SystemKind.of(a.get("system"));
        int index = (int) Control.num(a, "index"), members = (int) Control.num(a, "members");
        int port = (int) Control.num(a, "control");
        Thread reaper = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME_MS);
            } catch (InterruptedException ignored) {
            }
            System.err.println("bench member " + index + ": maximum lifetime reached, halting");
            Runtime.getRuntime().halt(3);
        }, "bench-reaper");
        reaper.setDaemon(true);
        reaper.start();

        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
        out.println(Control.line("HELLO", "index", index, "pid", ProcessHandle.current().pid()));

        String name = "m" + index;
        MemberSystem system = switch (kind) {
            case RAFT -> new RaftSystem(a.get("stack"), name, a.get("cluster"), members);
            case ABCAST_FSYNC, ABCAST_NOFSYNC -> AbcastSupport.channelSystem(a.get("stack"), name, a.get("cluster"), members);
            default -> new ChannelSystem(a.get("stack"), name, a.get("cluster"), members, null, null);
        };
        BenchMember member = new BenchMember(index, members, system);
        int code = 0;
        try {
            Recorder rec = member.recorder;
            system.start(new MemberSystem.Sink() {
                @Override
                public void deliver(byte[] buf, int off, int len) {
                    rec.deliver(buf, off, len);
                }

                @Override
                public void ownCompleted(long sendNanos) {
                    rec.ownCompleted(sendNanos);
                }
            });
            out.println(Control.line("UP", "index", index));
            code = member.serve(in, out);
        } catch (Throwable t) {
            t.printStackTrace();
            out.println(Control.line("FAILED", "index", index, "error", t.getClass().getSimpleName()));
            code = 2;
        } finally {
            try {
                system.close();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            socket.close();
        }
        System.exit(code);
    }

    private int serve(BufferedReader in, PrintWriter out) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            Map<String, String> cmd = Control.parse(line);
            switch (cmd.get("")) {
                case "READY?" -> {
                    String why = system.notReadyReason();
                    out.println(why == null ? Control.line("READY", "index", index)
                                            : Control.line("WAIT", "reason", why.replaceAll("\\s+", "_")));
                }
                case "RUN" -> out.println(run(cmd));
                case "DRAIN" -> out.println(drain(Control.num(cmd, "total"), Control.num(cmd, "timeout_ms")));
                case "EXIT" -> {
                    return 0;
                }
                default -> out.println(Control.line("ERROR", "unknown_command", cmd.get("")));
            }
        }
        System.err.println("bench member " + index + ": control connection closed, halting");
        Runtime.getRuntime().halt(4); // the coordinator is gone: do not linger
        return 4;
    }

    private String run(Map<String, String> cmd) throws Exception {
        int size = (int) Control.num(cmd, "size");
        int window = (int) Control.num(cmd, "window");
        double rate = Double.parseDouble(cmd.get("rate"));
        long durationNanos = TimeUnit.MILLISECONDS.toNanos(Control.num(cmd, "duration_ms"));
        long skipNanos = TimeUnit.MILLISECONDS.toNanos(Control.num(cmd, "skip_ms"));
        recorder.newWindow(window);
        long start = System.nanoTime(), end = start + durationNanos;
        AtomicReference<Throwable> error = new AtomicReference<>();
        long[] sentHere = new long[1];
        Thread sender = new Thread(() -> {
            try {
                sentHere[0] = sendLoop(size, recorder.window(), rate, start, end);
            } catch (Throwable t) {
                error.set(t);
            }
        }, "bench-sender");
        sender.start();
        sleepUntil(start + skipNanos);
        long cpuStart = processCpuNanos();
        recorder.beginMeasurement();
        sleepUntil(end);
        Recorder.Measurement m = recorder.endMeasurement();
        long cpuNanos = processCpuNanos() - cpuStart;
        sender.join(TimeUnit.SECONDS.toMillis(60));
        if (sender.isAlive()) {
            sender.interrupt();
            return Control.line("DONE", "index", index, "error", "sender_blocked_60s_after_the_end");
        }
        if (error.get() != null) {
            error.get().printStackTrace();
            return Control.line("DONE", "index", index, "error", error.get().getClass().getSimpleName());
        }
        String stats = system.stats();
        return Control.line("DONE", "index", index, "sent", seq, "sent_now", sentHere[0], "delivered", m.delivered(),
                            "nanos", m.nanos(), "own", m.own(), "cpu_nanos", cpuNanos, "hist", encode(m.latency()))
            + (stats.isEmpty() ? "" : " " + stats);
    }

    /** CPU time this member process used so far (all threads, GC included), or 0 if the JVM does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Returns how many messages it sent. Closed loop (window) when rate <= 0, else paced at rate msgs/s. */
    private long sendLoop(int size, Semaphore window, double rate, long start, long end) throws Exception {
        long sent = 0;
        long interval = rate > 0 ? Math.max(1, (long) (1e9 / rate)) : 0;
        long next = start;
        while (true) {
            long now = System.nanoTime();
            long stamp;
            if (interval > 0) {
                if (next >= end) break;
                if (now < next) {
                    LockSupport.parkNanos(next - now);
                    continue;
                }
                stamp = next; // intended send time: a sender held back by a full window still counts the wait
                next += interval;
                if (!window.tryAcquire(Math.max(0, end - now), TimeUnit.NANOSECONDS)) break;
            } else {
                if (now >= end) break;
                if (!window.tryAcquire(end - now, TimeUnit.NANOSECONDS)) break;
                stamp = System.nanoTime();
            }
            system.send(Payload.create(size, index, ++seq, stamp));
            sent++;
        }
        return sent;
    }

    private String drain(long total, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (recorder.delivered() < total && System.nanoTime() < deadline) Thread.sleep(1);
        String stats = system.stats();
        return recorder.summary() + " index=" + index + (stats.isEmpty() ? "" : " " + stats);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; )
            TimeUnit.NANOSECONDS.sleep(left);
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
    }

    static Histogram decode(String b64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(b64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("bad histogram", e);
        }
    }
}
