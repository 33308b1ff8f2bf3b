package org.jgroups.abcast.multiprocess;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on 127.0.0.1 for members on the reference TCP stack, so that parallel runs do not collide. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * n consecutive ports p with p and p + 100 (FD_SOCK2's offset in stacks/abcast-tcp.xml) free, from a random base,
     * plus two spare ones after them (TCP takes the next port when its own is taken, e.g. by a restart).
     */
    public static int[] free(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
            boolean ok = true;
            for (int i = 0; i < n + 2 && ok; i++)
                ok = isFree(base + i) && isFree(base + i + 100);
            if (ok) {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) out[i] = base + i;
                return out;
            }
        }
        throw new IOException("no " + n + " consecutive free ports found on 127.0.0.1");
    }

    /** The TCPPING initial_hosts value for these ports on 127.0.0.1. */
    public static String initialHosts(int[] ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) sb.append(sb.length() == 0 ? "" : ",").append("127.0.0.1[").append(p).append(']');
        return sb.toString();
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
