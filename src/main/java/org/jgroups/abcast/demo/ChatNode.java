package org.jgroups.abcast.demo;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.protocols.abcast.ABCAST;
import org.jgroups.protocols.abcast.OrderingUnavailableException;
import org.jgroups.protocols.pbcast.GMS;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chat without its screen: joins the cluster, broadcasts typed lines with plain {@code JChannel.send(null, ...)}
 * (ABCAST orders them), turns deliveries into {@link Line}s and answers the commands. What to show goes to an
 * {@link Output}: the terminal ({@link TerminalChat}) or plain lines ({@link PlainOutput}).
 *
 * <p>History: ABCAST re-delivers the whole committed log on every start. To know where the replayed history ends, the
 * node broadcasts a "joined" marker carrying a random token when it starts: everything delivered before its own marker
 * is history, everything after it is live. The marker is ordered like any line, so the boundary is exact.
 *
 * <p>Threads: ABCAST delivers on its loop thread, which must not block, so {@link #receive} only queues; one printer
 * thread reports deliveries and views in order; one sender thread sends queued lines in typing order (per-member FIFO)
 * and retries a line that was not accepted (no leader or no majority: it was then not sent, so a retry cannot
 * duplicate it); a watcher reports leader changes.
 */
public final class ChatNode implements Receiver, AutoCloseable {
    public static final List<String> COMMANDS = List.of("/members", "/leader", "/status", "/help", "/quit");

    static final byte TEXT = 'T', JOINED = 'J', LEFT = 'L';
    /** Longer than the reference stacks' failure detection (FD_ALL3 timeout 10 s + VERIFY_SUSPECT2 1.5 s). */
    static final int DUPLICATE_ID_RETRY_SECONDS = 30;

    public enum Kind { TEXT, JOINED, LEFT }

    /** One delivered chat line: its global index, sender (member id), kind, text, and whether it is replayed. */
    public record Line(long index, String sender, Kind kind, String text, boolean history, boolean own) {
    }

    /** Where the chat reports; called from several threads, so implementations synchronize. */
    public interface Output {
        void line(Line line);

        /**
         * This member's own "joined" marker was delivered: the history is replayed (this many chat lines, the last at
         * {@code lastHistoryIndex}, 0 if none); everything from here on is live.
         */
        void live(long historyLines, long lastHistoryIndex);

        void info(String text);

        void error(String text);
    }

    private final ChatOptions options;
    private final Output out;
    private final String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();   // Message or View, in arrival order
    private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();
    private final AtomicInteger unsent = new AtomicInteger();                  // queued or being sent
    private final AtomicLong ownSent = new AtomicLong(), ownLiveDelivered = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile JChannel channel;
    private volatile ABCAST abcast;
    private volatile boolean live;
    private long historyLines, lastHistoryIndex; // printer thread only
    private View lastView;           // printer thread only

    public ChatNode(ChatOptions options, Output out) {
        this.options = options;
        this.out = out;
    }

    /** Creates the channel and joins the cluster; history starts arriving as soon as a majority is reachable. */
    public ChatNode start() throws Exception {
        startThread("chat-printer", this::printLoop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DUPLICATE_ID_RETRY_SECONDS);
        while (true) {
            JChannel ch = new JChannel(options.props()).name(options.name());
            GMS gms = ch.getProtocolStack().findProtocol(GMS.class);
            if (gms != null) gms.printLocalAddress(false); // the screen is ours; the address is in /members
            ABCAST a = ABCAST.find(ch);
            if (a == null) {
                ch.close();
                close(false);
                throw new IllegalArgumentException(options.props() + " has no ABCAST protocol");
            }
            a.memberId(options.name()).dataDir(options.dataDir().toString()).initialMembers(options.initialMembers());
            // Quitting the chat is going offline, not leaving the group: keep the seat (vote) for the next start, so
            // that A, B and C quitting one by one do not shrink the voters to the last one standing.
            a.setValue("leave_on_disconnect", false);
            ch.setReceiver(this);
            channel = ch;
            abcast = a;
            try {
                ch.connect(options.cluster());
                break;
            } catch (Exception e) {
                ch.close();
                // A previous run of this member that was killed stays in the others' view until their failure
                // detection drops it, and ABCAST refuses a member id that a view member holds: wait for that.
                boolean staleSelf = String.valueOf(e.getMessage()).contains("is already used by");
                if (!staleSelf || System.nanoTime() > deadline) {
                    close(false);
                    throw e;
                }
                out.info(options.name() + " is still in the cluster's view (an earlier run that crashed, not yet "
                         + "detected?); trying again in 2 s");
                if (!sleep(2000)) throw e;
            }
        }
        enqueue(encode(JOINED, token));
        startThread("chat-sender", this::sendLoop);
        startThread("chat-leader-watch", this::watchLoop);
        return this;
    }

    public JChannel channel() {
        return channel;
    }

    public boolean isLive() {
        return live;
    }

    // ------------------------------------------------------------------ input

    /** A typed line: a command, or text to broadcast ("//x" sends "/x"). Returns false when the user wants to quit. */
    public boolean input(String raw) {
        String line = raw == null ? "" : raw.stripTrailing();
        if (line.isBlank()) return true;
        if (line.startsWith("/") && !line.startsWith("//")) return command(line.strip());
        enqueue(encode(TEXT, line.startsWith("//") ? line.substring(1) : line));
        return true;
    }

    private void enqueue(byte[] payload) {
        unsent.incrementAndGet();
        outbox.add(payload);
    }

    private boolean command(String line) {
        String cmd = line.split("\\s+", 2)[0].toLowerCase();
        switch (cmd) {
            case "/quit", "/exit", "/q" -> {
                return false;
            }
            case "/members", "/m" -> members();
            case "/leader", "/l" -> leader();
            case "/status", "/s" -> status();
            case "/help", "/h", "/?" -> help();
            default -> out.error("unknown command " + cmd + " (/help lists the commands)");
        }
        return true;
    }

    private void help() {
        out.info("type a line and press Enter to send it to everybody, in one total order (ABCAST)");
        out.info("/members  the JGroups view and ABCAST's voters and learners");
        out.info("/leader   the current ABCAST leader and term");
        out.info("/status   role, term, log indices, in-flight and delivered counters");
        out.info("/quit     leave (also Ctrl-D or Ctrl-C); start again with the same name to get the history back");
        out.info("//text    sends a line that starts with '/'");
    }

    private void members() {
        View v = channel.getView();
        if (v != null) {
            List<String> names = v.getMembers().stream().map(String::valueOf).toList();
            out.info("view " + v.getViewId().getId() + ": " + String.join(", ", names) + "  (coordinator "
                     + v.getCoord() + ")");
        }
        ReplicaStatus s = abcast.status();
        if (s == null) {
            out.info("ABCAST is not running");
            return;
        }
        out.info("ABCAST voters: " + String.join(", ", s.voters()) + "   learners: "
                 + (s.learners().isEmpty() ? "none" : String.join(", ", s.learners())));
        Set<String> absent = new LinkedHashSet<>(s.voters());
        absent.addAll(s.learners());
        if (v != null) v.getMembers().forEach(a -> absent.remove(String.valueOf(a)));
        if (!absent.isEmpty())
            out.info("not in the view (down or unreachable): " + String.join(", ", absent));
    }

    private void leader() {
        ReplicaStatus s = abcast.status();
        if (s == null) out.info("ABCAST is not running");
        else if (s.leader() == null)
            out.info("no leader known: this member is " + s.role() + " in term " + s.term() + "; a leader needs a "
                     + "majority of " + String.join(", ", s.voters()));
        else out.info("leader: " + s.leader() + " (term " + s.term() + ")"
                      + (s.leader().equals(options.name()) ? ", this member" : ""));
    }

    private void status() {
        ReplicaStatus s = abcast.status();
        if (s == null) {
            out.info("ABCAST is not running");
            return;
        }
        out.info("member " + s.memberId() + ": " + s.role() + ", term " + s.term() + ", leader "
                 + (s.leader() == null ? "none" : s.leader()) + ", incarnation " + s.incarnation());
        out.info("log: commit index " + s.commitIndex() + ", applied " + s.appliedIndex() + ", last index "
                 + s.lastIndex() + ", durable index " + s.durableIndex());
        out.info("messages: in flight " + s.inflightSubmissions() + ", delivered " + s.delivered()
                 + " (this run), sent " + s.submitted() + " (this run), waiting to be sent " + unsent.get()
                 + (live ? "" : ", history still replaying"));
        out.info("data dir " + options.dataDir());
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public void receive(Message msg) {
        inbox.add(msg); // on ABCAST's loop thread: never block it
    }

    @Override
    public void viewAccepted(View view) {
        inbox.add(view);
    }

    private void printLoop() {
        while (!closed.get() || !inbox.isEmpty()) {
            Object o;
            try {
                o = inbox.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (o instanceof Message m) deliver(m);
                else if (o instanceof View v) view(v);
            } catch (RuntimeException e) {
                out.error("cannot show a message: " + e);
            }
        }
    }

    private void deliver(Message msg) {
        long index = ABCAST.indexOf(msg);
        String sender = ABCAST.originOf(msg);
        if (sender == null) sender = String.valueOf(msg.getSrc());
        Kind kind = Kind.TEXT;
        String text;
        if (msg.hasArray()) {
            byte[] b = Arrays.copyOfRange(msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength());
            kind = b.length == 0 ? null : switch (b[0]) {
                case TEXT -> Kind.TEXT;
                case JOINED -> Kind.JOINED;
                case LEFT -> Kind.LEFT;
                default -> null;
            };
            // not ours (e.g. another program on the same cluster): show the bytes as text
            text = new String(b, kind == null ? 0 : 1, b.length - (kind == null ? 0 : 1), StandardCharsets.UTF_8);
            if (kind == null) kind = Kind.TEXT;
        } else {
            Object payload = msg.getObject();
            text = String.valueOf(payload);
        }
        boolean own = options.name().equals(sender);
        boolean myMarker = own && kind == Kind.JOINED && text.equals(token);
        boolean history = !live && !myMarker;
        if (history && kind == Kind.TEXT) {
            historyLines++;
            lastHistoryIndex = index;
        }
        if (!history && own && kind == Kind.TEXT) ownLiveDelivered.incrementAndGet();
        out.line(new Line(index, sender, kind, kind == Kind.TEXT ? text : "", history, own));
        if (myMarker) {
            live = true;
            out.live(historyLines, lastHistoryIndex);
        }
    }

    private void view(View v) {
        if (!v.containsMember(channel.getAddress())) return; // from an attempt to connect that failed
        View prev = lastView;
        lastView = v;
        String members = String.join(", ", v.getMembers().stream().map(String::valueOf).toList());
        if (prev == null) {
            out.info("connected as " + options.name() + " to " + options.cluster() + ": " + members);
            return;
        }
        List<Address> joined = View.newMembers(prev, v), left = View.leftMembers(prev, v);
        StringBuilder sb = new StringBuilder("view: ").append(members);
        if (!joined.isEmpty()) sb.append("  (+").append(join(joined)).append(')');
        if (left != null && !left.isEmpty()) sb.append("  (-").append(join(left)).append(')');
        out.info(sb.toString());
    }

    private static String join(List<Address> list) {
        return String.join(", ", list.stream().map(String::valueOf).toList());
    }

    // ------------------------------------------------------------------ sending

    private void sendLoop() {
        while (!closed.get()) {
            byte[] payload;
            try {
                payload = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                sendUntilAccepted(payload);
            } finally {
                unsent.decrementAndGet();
            }
        }
    }

    private void sendUntilAccepted(byte[] payload) {
        boolean warned = false;
        while (!closed.get()) {
            try {
                channel.send(null, payload); // returns once ABCAST accepted it for total order
                if (payload[0] == TEXT) ownSent.incrementAndGet();
                if (warned) out.info("sending again: the cluster has a leader");
                return;
            } catch (OrderingUnavailableException e) {
                if (closed.get()) return;
                if (!warned) {
                    warned = true;
                    ReplicaStatus s = abcast.status();
                    out.error("not sent yet: no leader or no majority" + (s == null ? "" : " of " + s.voters())
                              + " reachable; retrying (" + unsent.get() + " line(s) waiting)");
                }
                if (!sleep(500)) return; // send() itself waited send_timeout; this only paces fast failures
            } catch (Exception e) {
                if (!closed.get()) out.error("cannot send: " + e.getMessage());
                return;
            }
        }
    }

    private void watchLoop() {
        String reported = null;
        long noLeaderSince = 0;
        boolean reportedNone = false;
        while (!closed.get()) {
            ReplicaStatus s = abcast.status();
            String leader = s == null ? null : s.leader();
            if (leader != null) {
                noLeaderSince = 0;
                reportedNone = false;
                if (!leader.equals(reported)) {
                    reported = leader;
                    out.info("leader: " + leader + " (term " + s.term() + ")"
                             + (leader.equals(options.name()) ? ", this member" : ""));
                }
            } else if (s != null) {
                if (noLeaderSince == 0) noLeaderSince = System.nanoTime();
                if (!reportedNone && System.nanoTime() - noLeaderSince > TimeUnit.SECONDS.toNanos(2)) {
                    reportedNone = true;
                    reported = null;
                    if (s.voters().isEmpty())
                        out.info("no cluster yet: waiting for all initial members " + options.initialMembers()
                                 + " to be up (the first of them then creates the cluster)");
                    else
                        out.info("no leader: waiting for a majority of " + String.join(", ", s.voters())
                                 + " (this member is " + s.role() + ", term " + s.term() + ")");
                }
            }
            if (!sleep(250)) return;
        }
    }

    // ------------------------------------------------------------------ leaving

    /** Leaves gracefully: sends what was typed, says "left", closes the channel. Bounded in time. */
    @Override
    public void close() {
        close(true);
    }

    /**
     * @param graceful wait (bounded) until this member's queued lines are ordered and delivered and broadcast a
     *                 "left" line; otherwise just close the channel (e.g. on a signal)
     */
    public void close(boolean graceful) {
        if (channel != null && graceful && !closed.get() && channel.isConnected()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            if (unsent.get() > 0 || ownLiveDelivered.get() < ownSent.get())
                out.info("leaving: waiting until your last lines are delivered (10 s at most)");
            while ((unsent.get() > 0 || ownLiveDelivered.get() < ownSent.get()) && System.nanoTime() < deadline)
                if (!sleep(50)) break;
            if (unsent.get() > 0) out.error(unsent.get() + " line(s) not sent: no leader or no majority");
            ReplicaStatus s = abcast.status();
            if (s != null && s.leader() != null && unsent.get() == 0) sayLeft();
        }
        if (!closed.compareAndSet(false, true)) return;
        for (Thread t : threads) if (t != Thread.currentThread() && !t.getName().equals("chat-printer")) t.interrupt();
        if (channel != null) channel.close();
        for (Thread t : threads) {
            try {
                if (t != Thread.currentThread()) t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** Broadcasts "left" and waits (bounded) until it is delivered here, so that everybody sees it. */
    private void sayLeft() {
        CompletableFuture<Long> f = CompletableFuture.supplyAsync(
            () -> abcast.sendOrdered(new BytesMessage(null, encode(LEFT, "")))).thenCompose(x -> x);
        try {
            f.get(3, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (!inbox.isEmpty() && System.nanoTime() < deadline) sleep(20); // let the printer show it
        } catch (Exception ignored) { // best effort: leaving does not depend on it
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] encode(byte kind, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[t.length + 1];
        b[0] = kind;
        System.arraycopy(t, 0, b, 1, t.length);
        return b;
    }

    private void startThread(String name, Runnable r) {
        Thread t = new Thread(r, name + "-" + options.name());
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "chat " + options.name() + (live ? " (live)" : " (replaying history)");
    }
}
