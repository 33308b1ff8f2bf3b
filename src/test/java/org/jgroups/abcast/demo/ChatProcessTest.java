package org.jgroups.abcast.demo;

import org.jgroups.abcast.multiprocess.ChildJvm;
import org.jgroups.abcast.multiprocess.LoopbackPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo chat as a user runs it, in batch mode: three chat processes on the TCP stack, lines written to their
 * stdin, their stdout read back. All print the same ordered lines; a chat killed with SIGKILL and started again
 * prints the whole history marked as such, then goes live; /quit leaves and everybody sees it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatProcessTest {
    /** A chat line as printed: "[history] " for replayed ones, then "#INDEX SENDER: TEXT" or "#INDEX *** X joined". */
    private static final Pattern ORDERED = Pattern.compile("^(\\[history] )?(#(\\d+) .*)$");
    private static final Pattern TEXT = Pattern.compile("^#\\d+ (\\S+): (.*)$");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure keeps the chats' logs and stderr for a look
    Path tmp;

    private final String cluster = "chat-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final Map<String, ChildJvm> chats = new LinkedHashMap<>();
    private final List<ChildJvm> all = new ArrayList<>();
    private int[] ports;

    @AfterEach
    void killAll() {
        all.forEach(ChildJvm::close);
    }

    private ChildJvm start(String name) throws Exception {
        int port = ports[name.charAt(0) - 'A'];
        ChildJvm c = ChildJvm.start(name + "#" + (all.size() + 1),
                                    List.of("-Djgroups.bind_port=" + port,
                                            "-Djgroups.tcpping.initial_hosts=" + LoopbackPorts.initialHosts(ports)),
                                    Chat.class,
                                    List.of("--batch", "--name", name, "--data-dir", tmp.resolve(name).toString(),
                                            "--initial-members", "A,B,C", "--cluster", cluster),
                                    tmp.resolve(name + ".stderr"));
        chats.put(name, c);
        all.add(c);
        return c;
    }

    private void awaitLive(ChildJvm c) throws InterruptedException {
        ChildJvm.waitFor(c.name + " to go live", 45_000,
                         () -> c.lines().stream().anyMatch(l -> l.startsWith("--- live")), all);
    }

    /** The ordered lines a chat printed, without the history mark. */
    private static List<String> ordered(ChildJvm c) {
        List<String> out = new ArrayList<>();
        for (String l : c.lines()) {
            Matcher m = ORDERED.matcher(l);
            if (m.matches()) out.add(m.group(2));
        }
        return out;
    }

    private static long textLines(ChildJvm c) {
        return ordered(c).stream().filter(l -> TEXT.matcher(l).matches()).count();
    }

    private void awaitTextLines(long n) throws InterruptedException {
        ChildJvm.waitFor("every chat to print " + n + " lines", 30_000,
                         () -> chats.values().stream().allMatch(c -> textLines(c) >= n), all);
    }

    @Test
    void everyChatPrintsTheSameOrderedLinesAndARestartedOneReplaysTheHistory() throws Exception {
        ports = LoopbackPorts.free(3);
        // A creates the cluster once all initial members are up
        List<ChildJvm> started = List.of(start("A"), start("B"), start("C"));
        for (ChildJvm c : started) awaitLive(c);

        for (int i = 1; i <= 20; i++)
            for (String n : chats.keySet()) chats.get(n).send("line " + i + " from " + n);
        awaitTextLines(60);
        List<String> reference = ordered(chats.get("A"));
        for (ChildJvm c : chats.values()) assertEquals(reference, ordered(c), c.name + " printed another order");
        assertFifo(reference);

        chats.get("C").kill();
        chats.get("A").send("while C is down");
        chats.get("B").send("//slash line from B"); // "//" sends a line starting with "/"
        ChildJvm.waitFor("A and B to print the lines sent while C is down", 30_000,
                         () -> textLines(chats.get("A")) >= 62 && textLines(chats.get("B")) >= 62, all);
        ChildJvm c2 = start("C"); // at once: the others may still have the killed C in their view (the chat waits)
        awaitLive(c2);
        List<String> lines = c2.lines();
        System.out.println("chat: C restarted; waited for the killed C to leave the view: "
                           + lines.stream().filter(l -> l.contains("still in the cluster's view")).count() + " time(s)");
        int banner = indexOf(lines, "--- live: 62 lines of history replayed");
        assertTrue(banner > 0, "C's banner counts the replayed lines: " + lines);
        long replayedText = lines.subList(0, banner).stream()
            .filter(l -> l.startsWith("[history] ") && TEXT.matcher(l.substring(10)).matches()).count();
        assertEquals(62, replayedText, "C replayed every earlier line, marked as history");
        assertTrue(lines.contains("[history] " + find(ordered(chats.get("A")), "B: /slash line from B")));

        c2.send("C is back");
        awaitTextLines(63);
        reference = ordered(chats.get("A"));
        for (ChildJvm c : chats.values()) assertEquals(reference, ordered(c), c.name + " printed another order");

        c2.send("/status");
        ChildJvm.waitFor("C's status", 10_000, () -> c2.lines().stream().anyMatch(l -> l.startsWith("* member C: ")), all);
        assertEquals(0, c2.stop("/quit", 20_000), "C leaves with exit code 0");
        ChildJvm.waitFor("A to see C leave", 20_000,
                         () -> ordered(chats.get("A")).stream().anyMatch(l -> l.endsWith(" *** C left")), all);
        assertEquals(0, chats.get("B").stop(null, 20_000), "B leaves at the end of its input with exit code 0");
        assertEquals(0, chats.get("A").stop("/quit", 20_000));
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i;
        return -1;
    }

    private static String find(List<String> lines, String suffix) {
        return lines.stream().filter(l -> l.endsWith(suffix)).findFirst().orElseThrow();
    }

    /** Each sender's lines appear in the order it typed them. */
    private static void assertFifo(List<String> ordered) {
        Map<String, Integer> last = new HashMap<>();
        for (String l : ordered) {
            Matcher m = TEXT.matcher(l);
            if (!m.matches()) continue;
            int n = Integer.parseInt(m.group(2).split(" ")[1]);
            Integer prev = last.put(m.group(1), n);
            assertTrue(prev == null || n == prev + 1, m.group(1) + ": line " + prev + " then " + n);
        }
    }
}
