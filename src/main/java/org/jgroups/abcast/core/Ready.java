package org.jgroups.abcast.core;

import java.util.List;

/**
 * Everything the engine wants done since the last call to {@link Engine#ready()}. The adapter must, in this order:
 * <ol>
 *   <li>persist {@code hardState} if it is not null, durably, before sending any of the messages;</li>
 *   <li>hand {@code writes} to storage in order (they may complete asynchronously; report completion through
 *       {@link Engine#persisted(long, long)});</li>
 *   <li>send {@code messages};</li>
 *   <li>apply/deliver {@code committed} in order (they are committed: durable on a majority);</li>
 *   <li>start a snapshot transfer for every entry of {@code snapshotsNeeded};</li>
 *   <li>start (or restart) a bulk catch-up if {@code catchUpWanted} is not null.</li>
 * </ol>
 * If {@code moreCommitted} is true, more committed entries are waiting: call ready() again (they are handed out in
 * bounded batches so memory stays bounded however far behind the application is).
 */
public record Ready(HardState hardState, List<LogWrite> writes, List<PeerMessage> messages, List<Entry> committed,
                    List<SnapshotNeeded> snapshotsNeeded, CatchUpWanted catchUpWanted, boolean moreCommitted) {

    public boolean isEmpty() {
        return hardState == null && writes.isEmpty() && messages.isEmpty() && committed.isEmpty()
            && snapshotsNeeded.isEmpty() && catchUpWanted == null;
    }
}
