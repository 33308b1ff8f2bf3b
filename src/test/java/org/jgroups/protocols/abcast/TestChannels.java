package org.jgroups.protocols.abcast;

import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.Util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Channels on the reference in-JVM stack (stacks/abcast-local.xml) with fast timing, and receivers that record. */
final class TestChannels {
    static final String LOCAL_STACK = "stacks/abcast-local.xml";

    private TestChannels() {
    }

    /** A channel on the local stack with short ticks (elections in ~100-200 ms). Not connected. */
    static JChannel create(String name, Path dataDir, String initialMembers) throws Exception {
        JChannel ch = new JChannel(LOCAL_STACK).name(name);
        ABCAST.find(ch).dataDir(dataDir.toString()).initialMembers(initialMembers)
            .tickInterval(5).electionTicks(20).heartbeatTicks(4).sendTimeout(5_000);
        return ch;
    }

    static void waitFor(String what, long timeoutMs, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    static void closeAll(List<JChannel> channels) {
        for (JChannel ch : channels) Util.close(ch);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
        }
    }

    /** One delivered message as the application saw it. */
    record Received(String text, String origin, long index, Message msg) {
    }

    /** A plain JGroups receiver that records every message, in delivery order. */
    static final class Recorder implements Receiver {
        final List<Received> log = new ArrayList<>();
        volatile View view;

        @Override
        public void receive(Message msg) {
            String text = msg.hasArray()
                ? new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8)
                : String.valueOf((Object) msg.getObject());
            synchronized (log) {
                log.add(new Received(text, ABCAST.originOf(msg), ABCAST.indexOf(msg), msg));
            }
        }

        @Override
        public void viewAccepted(View v) {
            view = v;
        }

        int size() {
            synchronized (log) {
                return log.size();
            }
        }

        List<Received> snapshot() {
            synchronized (log) {
                return new ArrayList<>(log);
            }
        }

        List<String> texts() {
            synchronized (log) {
                return log.stream().map(Received::text).toList();
            }
        }
    }
}
