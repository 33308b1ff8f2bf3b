package org.jgroups.abcast.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jgroups.abcast.sim.HistoryEvent.Crashed;
import org.jgroups.abcast.sim.HistoryEvent.OfStream;

/** Which process life of each member is its last one, as far as the history shows. */
final class Lives {
    private final Map<String, Integer> lastSeen = new HashMap<>();
    private final Set<StreamId> crashed = new HashSet<>();

    static Lives of(List<HistoryEvent> events) {
        Lives lives = new Lives();
        for (HistoryEvent e : events) {
            if (e instanceof OfStream s)
                lives.lastSeen.merge(s.stream().member(), s.stream().life(), Math::max);
            if (e instanceof Crashed c)
                lives.crashed.add(c.stream());
        }
        return lives;
    }

    StreamId lastLife(String member) {
        Integer seen = lastSeen.get(member);
        if (seen == null)
            return new StreamId(member, 0);
        StreamId last = new StreamId(member, seen);
        // A crash ends a life, so a member still running at the end is in a later life that recorded nothing yet.
        return crashed.contains(last) ? new StreamId(member, seen + 1) : last;
    }
}
