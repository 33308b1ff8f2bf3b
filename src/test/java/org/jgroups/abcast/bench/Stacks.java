package org.jgroups.abcast.bench;

import org.jgroups.conf.ConfiguratorFactory;
import org.jgroups.conf.ProtocolConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipFile;

/**
 * The stack file each system runs with, written into the run's folder so the results name exactly what ran.
 * <ul>
 *   <li>plain: JGroups' own {@code tcp.xml} from the JGroups jar in use (5.5.7), unchanged except for loopback
 *   addressing: bind address, bind port and TCPPING hosts from system properties, no port ranges, diagnostics off;</li>
 *   <li>sequencer: the same plus {@code SEQUENCER} just below the fragmentation layer, where JGroups' own
 *   {@code sequencer.xml} has it;</li>
 *   <li>jgroups-raft: {@code tcp.xml} of the JGroups that jgroups-raft 1.1.4 is built against (5.4.11), with the
 *   loopback overrides, {@code raft.NO_DUPES} below GMS, no state transfer, and {@code raft.ELECTION},
 *   {@code raft.RAFT} (FileBasedLog, fsync on), {@code raft.REDIRECT} on top, as in jgroups-raft's own raft.xml;</li>
 *   <li>abcast-*: the product's {@code stacks/abcast-tcp.xml}, copied verbatim (fsync is set by the
 *   {@code abcast.fsync} system property it reads).</li>
 * </ul>
 */
final class Stacks {
    static final String RAFT_JGROUPS_JAR_PREFIX = "jgroups-5.";

    private Stacks() {
    }

    static Path write(SystemKind kind, Path dir, Path basedir, Path abcastStack, Path raftLib) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName(kind));
        if (Files.exists(file)) return file;
        switch (kind) {
            case PLAIN -> writeXml(file, "JGroups " + org.jgroups.Version.printVersion() + " tcp.xml, loopback overrides",
                                   loopback(stock("tcp.xml")));
            case SEQUENCER -> {
                List<ProtocolConfiguration> s = loopback(stock("tcp.xml"));
                s.add(indexOf(s, "FRAG2"), new ProtocolConfiguration("SEQUENCER", new HashMap<>()));
                writeXml(file, "JGroups " + org.jgroups.Version.printVersion() + " tcp.xml, loopback overrides, SEQUENCER", s);
            }
            case RAFT -> {
                Path jar = raftJGroupsJar(raftLib);
                List<ProtocolConfiguration> s;
                try (ZipFile zip = new ZipFile(jar.toFile()); InputStream in = zip.getInputStream(zip.getEntry("tcp.xml"))) {
                    s = new ArrayList<>(ConfiguratorFactory.getStackConfigurator(in).getProtocolStack());
                }
                s = loopback(s);
                s.removeIf(p -> p.getProtocolName().endsWith("STATE_TRANSFER"));
                s.add(indexOf(s, "pbcast.GMS"), new ProtocolConfiguration("raft.NO_DUPES", new HashMap<>()));
                s.add(new ProtocolConfiguration("raft.ELECTION", new HashMap<>()));
                Map<String, String> raft = new HashMap<>();
                raft.put("raft_id", "${raft.id}");
                raft.put("members", "${raft.members}");
                raft.put("log_dir", "${raft.log_dir}");
                raft.put("log_class", "org.jgroups.protocols.raft.FileBasedLog");
                raft.put("log_use_fsync", "true");
                // snapshots (the default triggers one per MB of log) stay out of the measurement
                raft.put("max_log_size", String.valueOf(1L << 30));
                // the default (9182) rejects requests ("processing queue is full") once all members' windows are
                // in flight together; jgroups-raft leaves flow control to its clients
                raft.put("processing_queue_max_size", String.valueOf(1 << 16));
                s.add(new ProtocolConfiguration("raft.RAFT", raft));
                s.add(new ProtocolConfiguration("raft.REDIRECT", new HashMap<>()));
                writeXml(file, jar.getFileName() + " tcp.xml, loopback overrides, jgroups-raft 1.1.4 protocols", s);
            }
            case ABCAST_FSYNC, ABCAST_NOFSYNC -> {
                Path product = abcastStack != null ? abcastStack : basedir.resolve("stacks/abcast-tcp.xml");
                if (!Files.exists(product))
                    throw new IOException(product + " not found: the ABCAST protocol has not landed in this tree");
                Files.copy(product, file);
            }
        }
        return file;
    }

    static String fileName(SystemKind kind) {
        return switch (kind) {
            case PLAIN -> "plain-tcp.xml";
            case SEQUENCER -> "sequencer-tcp.xml";
            case RAFT -> "jgroups-raft-tcp.xml";
            case ABCAST_FSYNC, ABCAST_NOFSYNC -> "abcast-tcp.xml";
        };
    }

    static Path raftJGroupsJar(Path raftLib) throws IOException {
        try (var files = Files.list(raftLib)) {
            return files.filter(p -> p.getFileName().toString().startsWith(RAFT_JGROUPS_JAR_PREFIX)).findFirst()
                .orElseThrow(() -> new IOException("no JGroups jar in " + raftLib));
        }
    }

    private static List<ProtocolConfiguration> stock(String resource) throws Exception {
        return new ArrayList<>(ConfiguratorFactory.getStackConfigurator(resource).getProtocolStack());
    }

    /** Loopback only, ports chosen by the benchmark, nothing else changed. */
    private static List<ProtocolConfiguration> loopback(List<ProtocolConfiguration> stack) {
        List<ProtocolConfiguration> out = new ArrayList<>();
        for (ProtocolConfiguration p : stack) {
            Map<String, String> props = new HashMap<>(p.getProperties());
            if (p.getProtocolName().equals("TCP")) {
                props.put("bind_addr", "127.0.0.1");
                props.put("bind_port", "${jgroups.bind_port}");
                props.put("port_range", "0");
                props.put("diag.enabled", "false");
            } else if (p.getProtocolName().equals("TCPPING")) {
                props.put("initial_hosts", "${jgroups.tcpping.initial_hosts}");
                props.put("port_range", "0");
            }
            out.add(new ProtocolConfiguration(p.getProtocolName(), props));
        }
        return out;
    }

    private static int indexOf(List<ProtocolConfiguration> stack, String name) {
        for (int i = 0; i < stack.size(); i++)
            if (stack.get(i).getProtocolName().equals(name)) return i;
        throw new IllegalStateException(name + " not in the stack");
    }

    private static void writeXml(Path file, String origin, List<ProtocolConfiguration> stack) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("<!-- Written by the jgroups-abcast benchmark (org.jgroups.abcast.bench.Stacks): ").append(origin)
            .append(". -->\n");
        sb.append("<config xmlns=\"urn:org:jgroups\"\n")
            .append("        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n")
            .append("        xsi:schemaLocation=\"urn:org:jgroups http://www.jgroups.org/schema/jgroups.xsd\">\n");
        for (ProtocolConfiguration p : stack) {
            sb.append("    <").append(p.getProtocolName());
            for (Map.Entry<String, String> e : new TreeMap<>(p.getProperties()).entrySet())
                sb.append("\n        ").append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
            sb.append("/>\n");
        }
        sb.append("</config>\n");
        Files.writeString(file, sb.toString());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
