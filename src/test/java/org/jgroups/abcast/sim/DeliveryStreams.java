package org.jgroups.abcast.sim;

import java.util.HashMap;
import java.util.Map;

/** The delivery streams met while replaying a history. */
final class DeliveryStreams {
    private final Map<StreamId, DeliveryStream> byId = new HashMap<>();

    DeliveryStream get(StreamId id) {
        return byId.computeIfAbsent(id, DeliveryStream::new);
    }

    /** A life that recorded nothing is an empty stream: a correct member's last life may not have delivered yet. */
    DeliveryStream find(StreamId id) {
        DeliveryStream known = byId.get(id);
        return known != null ? known : new DeliveryStream(id);
    }
}
