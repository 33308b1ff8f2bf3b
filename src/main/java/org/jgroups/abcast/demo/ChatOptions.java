package org.jgroups.abcast.demo;

import java.nio.file.Path;

/**
 * The chat's command line. A first argument that is not an option is the member name, so {@code chat.sh A} works.
 *
 * @param name           member id and logical name (unique in the cluster, the same across restarts)
 * @param dataDir        this member's log; history survives restarts as long as this directory does
 * @param props          JGroups stack file
 * @param initialMembers members of a new cluster (the first one bootstraps it)
 * @param cluster        JGroups cluster name
 * @param batch          no terminal UI: read lines from stdin, print plain lines to stdout (scripts, tests)
 * @param logFile        where JGroups and ABCAST log (kept off the screen)
 * @param help           print the usage and exit
 */
public record ChatOptions(String name, Path dataDir, String props, String initialMembers, String cluster,
                          boolean batch, Path logFile, boolean help) {

    public static final String USAGE = """
        usage: chat [--name] NAME [options]
          --name NAME              member id and logical name, unique in the cluster (also the first argument)
          --data-dir DIR           this member's log: the chat history survives restarts (default: data/NAME)
          --props FILE             JGroups stack (default: stacks/abcast-tcp.xml)
          --initial-members LIST   members of a new cluster, the first bootstraps it (default: A,B,C)
          --cluster NAME           cluster name (default: abcast-chat)
          --log FILE               JGroups/ABCAST log file (default: DATA_DIR.log, e.g. data/A.log)
          --batch                  no terminal UI: lines from stdin, plain output (also when not on a terminal)
          --help                   this text
        Ports and addresses come from the stack's system properties (-Djgroups.bind_port=...,
        -Djgroups.tcpping.initial_hosts=...; see docs/stacks.md). Commands in the chat: /help.""";

    public static ChatOptions parse(String... args) {
        String name = null, dataDir = null, props = "stacks/abcast-tcp.xml", initial = "A,B,C", cluster = "abcast-chat";
        String logFile = null;
        boolean batch = false, help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i], value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--batch" -> batch = true;
                case "--name", "-n" -> name = value != null ? value : next(args, ++i, a);
                case "--data-dir" -> dataDir = value != null ? value : next(args, ++i, a);
                case "--props" -> props = value != null ? value : next(args, ++i, a);
                case "--initial-members" -> initial = value != null ? value : next(args, ++i, a);
                case "--cluster" -> cluster = value != null ? value : next(args, ++i, a);
                case "--log" -> logFile = value != null ? value : next(args, ++i, a);
                default -> {
                    if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a);
                    if (name != null) throw new IllegalArgumentException("unexpected argument " + a);
                    name = a;
                }
            }
        }
        if (help) return new ChatOptions(name, null, props, initial, cluster, batch, null, true);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a member name is required");
        name = name.trim();
        Path dir = Path.of(dataDir != null ? dataDir : "data/" + name).toAbsolutePath().normalize();
        Path log = logFile != null ? Path.of(logFile).toAbsolutePath().normalize()
            : dir.resolveSibling(dir.getFileName() + ".log");
        return new ChatOptions(name, dir, props, initial, cluster, batch, log, false);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--"))
            throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
