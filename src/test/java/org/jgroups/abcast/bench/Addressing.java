package org.jgroups.abcast.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback addressing of the N members of one cluster: their JGroups ports (see {@link Cluster#freePorts}), the
 * TCPPING host list and the member ids m0..m(N-1), and the system properties a member's stack file reads.
 */
record Addressing(int[] ports, String hosts, String ids) {
    static Addressing of(int n) {
        int[] ports = Cluster.freePorts(n);
        StringBuilder hosts = new StringBuilder(), ids = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hosts.append(i == 0 ? "" : ",").append("127.0.0.1[").append(ports[i]).append(']');
            ids.append(i == 0 ? "" : ",").append("m").append(i);
        }
        return new Addressing(ports, hosts.toString(), ids.toString());
    }

    /** -D options for member {@code i} of a {@code kind} cluster whose data directory is {@code data}. */
    List<String> systemProperties(SystemKind kind, int i, Path data) {
        List<String> p = new ArrayList<>();
        p.add("-Djgroups.bind_addr=127.0.0.1");
        p.add("-Djgroups.bind_port=" + ports[i]);
        p.add("-Djgroups.tcpping.initial_hosts=" + hosts);
        if (kind.isAbcast()) {
            p.add("-Dabcast.member_id=m" + i);
            p.add("-Dabcast.data_dir=" + data);
            p.add("-Dabcast.initial_members=" + ids);
            p.add("-Dabcast.fsync=" + (kind == SystemKind.ABCAST_FSYNC));
        } else if (kind == SystemKind.RAFT) {
            p.add("-Draft.id=m" + i);
            p.add("-Draft.members=" + ids);
            p.add("-Draft.log_dir=" + data);
        }
        return p;
    }
}
