package org.jgroups.abcast.multiprocess;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.abcast.ABCAST;
import org.jgroups.protocols.pbcast.GMS;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One cluster member in its own JVM, driven by {@link MultiProcessClusterTest}: joins through the reference TCP stack
 * (stacks/abcast-tcp.xml; ports, initial hosts and data directory come as system properties), reports on stdout and
 * obeys commands on stdin. Stdin closing (the test JVM died) ends the process.
 *
 * <pre>
 * stdout: ready NAME                      connected
 *         d INDEX ORIGIN PAYLOAD          an ordered delivery (the whole history again after every start)
 *         ack PAYLOAD INDEX               a message this process sent is delivered here (durable on a majority)
 *         fail PAYLOAD REASON             a send was not accepted
 *         sent PREFIX COUNT               a send command submitted all its messages
 *         view NAME,NAME,...              a new JGroups view (logical names)
 *         status ROLE LEADER TERM COMMIT VOTERS   answer to "status" (voters comma-separated)
 * stdin:  send PREFIX COUNT PAUSE_MS      sends PREFIX-1 .. PREFIX-COUNT (in a new thread), pausing between
 *         status | quit
 * </pre>
 */
public final class MemberMain implements Receiver {
    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private final JChannel channel;
    private final ABCAST abcast;

    private MemberMain(String name) throws Exception {
        channel = new JChannel("stacks/abcast-tcp.xml").name(name);
        GMS gms = channel.getProtocolStack().findProtocol(GMS.class);
        gms.printLocalAddress(false);
        // A member that restarts now and then misses the others during discovery and starts a view of its own;
        // the reference stack's MERGE3 repairs that only after up to ~50 s. Merging within a few seconds keeps the
        // tests about ABCAST (which must, and does, carry on across the merge) rather than about JGroups' timers.
        MERGE3 merge = channel.getProtocolStack().findProtocol(MERGE3.class);
        merge.setMinInterval(1000).setMaxInterval(3000).setCheckInterval(5000);
        abcast = ABCAST.find(channel);
        channel.setReceiver(this);
    }

    public static void main(String[] args) throws Exception {
        logWarningsToStderr();
        MemberMain m = new MemberMain(args[0]);
        m.channel.connect(args[1]);
        m.print("ready " + args[0]);
        m.commands();
    }

    private static void logWarningsToStderr() {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setStatusLevel(Level.ERROR);
        b.add(b.newAppender("err", "Console").addAttribute("target", "SYSTEM_ERR")
                  .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss.SSS} %-5level [%t] %c{1}: %msg%n")));
        // -Dmember.log.level=DEBUG shows what ABCAST and JGroups do, when a test needs diagnosing
        b.add(b.newRootLogger(Level.toLevel(System.getProperty("member.log.level"), Level.WARN))
                  .add(b.newAppenderRef("err")));
        Configurator.reconfigure(b.build());
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void receive(Message msg) {
        print("d " + ABCAST.indexOf(msg) + " " + ABCAST.originOf(msg) + " "
              + new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
    }

    @Override
    public void viewAccepted(View v) {
        print("view " + String.join(",", v.getMembers().stream().map(String::valueOf).toList()));
    }

    private void commands() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            switch (w[0]) {
                case "send" -> {
                    Thread t = new Thread(() -> send(w[1], Integer.parseInt(w[2]), Long.parseLong(w[3])), "sender-" + w[1]);
                    t.setDaemon(true);
                    t.start();
                }
                case "status" -> {
                    ReplicaStatus s = abcast.status();
                    print(s == null ? "status STOPPED null -1 -1 -"
                        : "status " + s.role() + " " + s.leader() + " " + s.term() + " " + s.commitIndex() + " "
                          + String.join(",", s.voters()));
                }
                case "quit" -> {
                    channel.close();
                    print("bye");
                    System.exit(0);
                }
                default -> print("unknown " + line);
            }
        }
        Runtime.getRuntime().halt(3); // the test JVM went away: do not linger
    }

    private void send(String prefix, int count, long pauseMs) {
        int failures = 0;
        for (int i = 1; i <= count; i++) {
            String payload = prefix + "-" + i;
            try {
                abcast.sendOrdered(new BytesMessage(null, payload.getBytes(StandardCharsets.UTF_8)))
                    .thenAccept(index -> print("ack " + payload + " " + index));
            } catch (RuntimeException e) { // not accepted, so not sent: retry the same message, a few times
                print("fail " + payload + " " + e.getClass().getSimpleName());
                if (++failures == 5) return;
                i--;
            }
            if (pauseMs > 0) {
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        print("sent " + prefix + " " + count);
    }
}
