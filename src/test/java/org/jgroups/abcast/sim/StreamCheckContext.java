package org.jgroups.abcast.sim;

import java.util.List;

/** What the checks of stream events (deliveries, snapshots) share while the history is replayed. */
record StreamCheckContext(GlobalOrder global, DeliveryStreams streams, PhantomCheck phantoms, CommonSequence common,
                          Violations out) {

    /** Reports a fault of the stream, and keeps the stream out of later cross-stream comparisons. */
    void fault(DeliveryStream s, Property property, String detail) {
        s.markInconsistent();
        out.report(property, detail);
    }

    /** Like {@link #fault(DeliveryStream, Property, String)}, for a batch of related findings, if there are any. */
    void fault(DeliveryStream s, Property property, List<String> findings) {
        if (findings.isEmpty())
            return;
        s.markInconsistent();
        out.reportFirst(property, findings);
    }
}
