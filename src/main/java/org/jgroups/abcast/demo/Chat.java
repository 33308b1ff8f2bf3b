package org.jgroups.abcast.demo;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo chat: every line typed is broadcast with plain {@code JChannel.send} and shown by every member with its
 * global index in the total order; the history survives restarts. Run {@code demo/chat.sh A} (and B, C in two more
 * terminals), or {@code mvn -q compile exec:java -Dexec.mainClass=org.jgroups.abcast.demo.Chat -Dexec.args="A"}.
 * Options: {@link ChatOptions#USAGE}. On a terminal it uses JLine; with {@code --batch} (or when stdin/stdout is not a
 * terminal) it reads lines from stdin and prints plain lines ({@link PlainOutput}).
 */
public final class Chat {
    private Chat() {
    }

    public static void main(String[] args) {
        ChatOptions o;
        try {
            o = ChatOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chat: " + e.getMessage());
            System.err.println(ChatOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.println(ChatOptions.USAGE);
            System.exit(0);
        }
        if (System.getProperty("java.net.preferIPv4Stack") == null)
            System.setProperty("java.net.preferIPv4Stack", "true"); // the stacks bind 127.0.0.1
        logToFile(o);
        boolean terminal = !o.batch() && System.console() != null;
        System.exit(terminal ? runOnTerminal(o) : runPlain(o));
    }

    /** JGroups and ABCAST log to a file, not over the chat (unless log4j2.configurationFile says otherwise). */
    static void logToFile(ChatOptions o) {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null)
            return;
        try {
            Files.createDirectories(o.logFile().getParent());
        } catch (IOException e) {
            System.err.println("chat: cannot create " + o.logFile().getParent() + ": " + e);
        }
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setConfigurationName("abcast-chat").setStatusLevel(Level.ERROR);
        b.add(b.newAppender("file", "File").addAttribute("fileName", o.logFile().toString())
                  .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss.SSS} %-5level [%t] %c{1}: %msg%n")));
        b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("file")));
        Configurator.reconfigure(b.build());
    }

    /** Reads the user's input and hands it to the node, until the user quits. */
    @FunctionalInterface
    interface Input {
        void run(ChatNode node) throws IOException;
    }

    static int runPlain(ChatOptions o) {
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        return run(o, new PlainOutput(stdout), node -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; )
                if (!node.input(line)) break;
        });
    }

    static int runOnTerminal(ChatOptions o) {
        TerminalChat ui;
        try {
            ui = new TerminalChat(o.name());
        } catch (IOException | RuntimeException e) {
            System.err.println("chat: no usable terminal (" + e + "); falling back to plain lines");
            return runPlain(o);
        }
        try {
            return run(o, ui, node -> {
                ui.info("type a line to send it to everybody; /help lists the commands");
                ui.run(node);
            });
        } finally {
            ui.close();
        }
    }

    /** Joins, runs the input until the user quits, leaves. Returns the exit code. */
    private static int run(ChatOptions o, ChatNode.Output out, Input input) {
        ChatNode node = new ChatNode(o, out);
        Thread hook = closeOnSignal(node);
        try {
            out.info("joining " + o.cluster() + " as " + o.name() + " (" + o.props() + ", data dir " + shown(o.dataDir())
                     + ", log " + shown(o.logFile()) + ")");
            node.start();
            input.run(node);
            node.close();
            out.info("bye");
            return 0;
        } catch (Exception e) {
            out.error("chat failed: " + e.getMessage());
            node.close(false);
            return 1;
        } finally {
            removeHook(hook);
        }
    }

    /** A path as short as possible: relative to the working directory when below it. */
    static String shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    /** A kill (SIGTERM, or Ctrl-C outside the line editor) still leaves the cluster cleanly, without waiting. */
    private static Thread closeOnSignal(ChatNode node) {
        Thread hook = new Thread(() -> node.close(false), "chat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) { // already shutting down
        }
    }
}
