package org.jgroups.abcast.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loopback control protocol between the coordinator and its member processes: one line per command or reply,
 * {@code VERB key=value key=value ...}. Values never contain spaces (numbers, ids, base64, hex).
 */
final class Control {
    private Control() {
    }

    static String line(String verb, Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("key without value");
        StringBuilder sb = new StringBuilder(verb);
        for (int i = 0; i < keyValues.length; i += 2) {
            String v = String.valueOf(keyValues[i + 1]);
            if (v.isEmpty() || v.indexOf(' ') >= 0 || v.indexOf('\n') >= 0)
                throw new IllegalArgumentException("bad control value for " + keyValues[i] + ": '" + v + "'");
            sb.append(' ').append(keyValues[i]).append('=').append(v);
        }
        return sb.toString();
    }

    /** A parsed line: the verb under the key "" and each key=value pair. */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] parts = line.trim().split(" ");
        m.put("", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("malformed control line: " + line);
            m.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return m;
    }

    static long num(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("control line lacks " + key + ": " + m);
        return Long.parseLong(v);
    }
}
