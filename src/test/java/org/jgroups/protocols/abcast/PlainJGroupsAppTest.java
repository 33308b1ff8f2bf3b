package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.RpcDispatcher;
import org.jgroups.util.RspList;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Existing JGroups programs on an ABCAST reference stack, unchanged: they only know JChannel, Receiver and
 * RpcDispatcher, and get their configuration from the stack file and system properties (as a user would start them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainJGroupsAppTest extends ChannelTestBase {

    @AfterEach
    void clearProperties() {
        for (String p : List.of("abcast.data_dir", "jgroups.bind_port", "jgroups.tcpping.initial_hosts"))
            System.clearProperty(p);
    }

    /** What a user does: a stack file, a name, a data directory through a system property. */
    private JChannel channel(String stack, String name) throws Exception {
        System.setProperty("abcast.data_dir", root.resolve(name).toString());
        JChannel ch = new JChannel(stack).name(name); // properties are substituted while the file is parsed
        channels.add(ch);
        return ch;
    }

    /** A tiny chat written only against JChannel and Receiver. */
    static final class Chat implements Receiver {
        final JChannel ch;
        private final List<String> lines = new ArrayList<>();

        Chat(JChannel ch) {
            this.ch = ch;
            ch.setReceiver(this);
        }

        @Override
        public void receive(Message msg) {
            String line = msg.getObject();
            add(line);
            try {
                if (line.endsWith(": ping")) ch.send(msg.getSrc(), "pong from " + ch.getName()); // unicast reply
            } catch (Exception e) {
                add("error " + e);
            }
        }

        synchronized void add(String line) {
            lines.add(line);
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }
    }

    @Test
    void chatProgramGetsOneOrderForEveryoneAndUnicastRepliesWork() throws Exception {
        List<Chat> chats = new ArrayList<>();
        for (String n : List.of("A", "B", "C")) {
            Chat c = new Chat(channel(TestChannels.LOCAL_STACK, n));
            c.ch.connect(cluster);
            chats.add(c);
        }
        Util.waitUntilAllChannelsHaveSameView(10_000, 50, chats.stream().map(c -> c.ch).toArray(JChannel[]::new));
        List<Thread> talkers = new ArrayList<>();
        for (Chat c : chats) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 1; i <= 20; i++) c.ch.send(null, c.ch.getName() + ": line " + i);
                } catch (Exception e) {
                    c.add("send failed " + e);
                }
            });
            talkers.add(t);
            t.start();
        }
        for (Thread t : talkers) t.join();
        for (Chat c : chats) TestChannels.waitFor(c.ch.getName() + " gets 60 lines", 30_000, () -> c.lines().size() >= 60);
        List<String> reference = chats.get(0).lines();
        for (Chat c : chats) assertEquals(reference, c.lines());

        chats.get(0).ch.send(null, "A: ping");
        TestChannels.waitFor("3 pongs at A", 30_000,
                             () -> chats.get(0).lines().stream().filter(l -> l.startsWith("pong from")).count() == 3);
    }

    /** The target of the RPCs: records the calls in the order this member executed them. */
    public static final class Journal {
        final List<String> entries = Collections.synchronizedList(new ArrayList<>());

        public String append(String entry) {
            entries.add(entry);
            return "ok " + entry;
        }
    }

    @Test
    void rpcDispatcherCallsAreExecutedInTheSameOrderEverywhere() throws Exception {
        List<JChannel> list = new ArrayList<>();
        List<Journal> journals = new ArrayList<>();
        List<RpcDispatcher> dispatchers = new ArrayList<>();
        for (String n : List.of("A", "B", "C")) {
            JChannel ch = channel(TestChannels.LOCAL_STACK, n);
            Journal j = new Journal();
            dispatchers.add(new RpcDispatcher(ch, j));
            ch.connect(cluster);
            list.add(ch);
            journals.add(j);
        }
        Util.waitUntilAllChannelsHaveSameView(10_000, 50, list.toArray(JChannel[]::new));
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RpcDispatcher d = dispatchers.get(i);
            String caller = list.get(i).getName();
            Thread t = new Thread(() -> {
                try {
                    for (int k = 1; k <= 10; k++) {
                        RspList<String> rsps = d.callRemoteMethods(null, "append", new Object[]{caller + k},
                                                                   new Class<?>[]{String.class},
                                                                   RequestOptions.SYNC().timeout(20_000));
                        if (rsps.getResults().size() != 3) errors.add(new AssertionError("responses: " + rsps));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            callers.add(t);
            t.start();
        }
        for (Thread t : callers) t.join();
        assertEquals(List.of(), errors);
        for (Journal j : journals) TestChannels.waitFor("30 calls", 30_000, () -> j.entries.size() == 30);
        for (Journal j : journals) assertEquals(journals.get(0).entries, j.entries);
        for (RpcDispatcher d : dispatchers) d.close();
    }

    @Test
    void tcpReferenceStackFormsAClusterOnLoopback() throws Exception {
        int[] ports = freePorts(3);
        System.setProperty("jgroups.tcpping.initial_hosts",
                           "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "],127.0.0.1[" + ports[2] + "]");
        List<Chat> chats = new ArrayList<>();
        String[] names = {"A", "B", "C"};
        for (int i = 0; i < 3; i++) {
            System.setProperty("jgroups.bind_port", String.valueOf(ports[i]));
            JChannel ch = channel("stacks/abcast-tcp.xml", names[i]);
            ABCAST.find(ch).fsync(false);
            Chat c = new Chat(ch);
            ch.connect(cluster);
            chats.add(c);
        }
        for (Chat c : chats)
            assertEquals(InetAddress.getByName("127.0.0.1"), c.ch.getProtocolStack().getTransport().getBindAddr());
        Util.waitUntilAllChannelsHaveSameView(10_000, 50, chats.stream().map(c -> c.ch).toArray(JChannel[]::new));
        for (Chat c : chats) c.ch.send(null, c.ch.getName() + ": hello");
        for (Chat c : chats) TestChannels.waitFor("3 lines", 30_000, () -> c.lines().size() >= 3);
        for (Chat c : chats) assertEquals(chats.get(0).lines(), c.lines());
        assertTrue(chats.get(0).lines().containsAll(List.of("A: hello", "B: hello", "C: hello")));
    }

    /** n ports p with p and p + 100 (FD_SOCK2) free on 127.0.0.1. */
    private static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        int found = 0;
        for (int p = 20000 + (int) (Math.random() * 20000); found < n && p < 60000; p++) {
            if (free(p) && free(p + 100)) out[found++] = p;
        }
        return out;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
