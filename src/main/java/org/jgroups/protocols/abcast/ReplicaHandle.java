package org.jgroups.protocols.abcast;

import org.jgroups.abcast.core.ConfigChange;
import org.jgroups.abcast.core.ProposalResult;
import org.jgroups.abcast.replica.CatchUpHandler;
import org.jgroups.abcast.replica.Delivery;
import org.jgroups.abcast.replica.DeliveryListener;
import org.jgroups.abcast.replica.PeerTransport;
import org.jgroups.abcast.replica.Replica;
import org.jgroups.abcast.replica.ReplicaOptions;
import org.jgroups.abcast.replica.ReplicaStatus;
import org.jgroups.abcast.replica.SubmitTimeoutException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What ABCAST uses of a {@link Replica}. An interface only so that the layer's JGroups plumbing can be tested with a
 * stand-in; production always uses {@link #open}.
 */
interface ReplicaHandle {
    CompletableFuture<Delivery> submit(byte[] payload) throws InterruptedException, SubmitTimeoutException;

    /** The same, completed with the index only (see {@link Replica#submitForIndex}). */
    default CompletableFuture<Long> submitForIndex(byte[] payload) throws InterruptedException, SubmitTimeoutException {
        return submit(payload).thenApply(Delivery::index);
    }

    /** senderCluster: the id of the cluster the sender belongs to (null: none yet); see {@link Replica#receive}. */
    void receive(String senderCluster, byte[] encodedPeerMessage);

    /** The id of the cluster this member belongs to, or null if none yet. */
    default String clusterUuid() {
        return null;
    }

    /** Creates a new cluster with this member as its first voter if it never belonged to one. */
    default CompletableFuture<Boolean> bootstrap() {
        return CompletableFuture.completedFuture(false);
    }

    default long foreignClusterMessages() {
        return 0;
    }

    void membersHint(Set<String> memberIds);

    ReplicaStatus status();

    void close();

    default CompletableFuture<ProposalResult> propose(ConfigChange change) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("membership changes"));
    }

    /** Leaves the configuration (bounded), then closes; see {@link Replica#leaveAndClose}. */
    default boolean leaveAndClose(long timeoutMillis) throws InterruptedException {
        close();
        return false;
    }

    /** Recovery layer hooks (see {@link Replica#setCatchUpHandler}); a stand-in supports none of them. */
    default void setCatchUpHandler(CatchUpHandler handler) {
    }

    default CompletableFuture<byte[]> readCommittedChunk(long from, int maxBytes) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("bulk catch-up"));
    }

    default Replica replica() {
        return null;
    }

    @FunctionalInterface
    interface Opener {
        ReplicaHandle open(ReplicaOptions options, PeerTransport transport, DeliveryListener listener)
            throws IOException;
    }

    /** The real thing. */
    static ReplicaHandle open(ReplicaOptions options, PeerTransport transport, DeliveryListener listener)
        throws IOException {
        Replica r = Replica.open(options, transport, listener);
        return new ReplicaHandle() {
            @Override
            public CompletableFuture<Delivery> submit(byte[] payload)
                throws InterruptedException, SubmitTimeoutException {
                return r.submit(payload);
            }

            @Override
            public CompletableFuture<Long> submitForIndex(byte[] payload)
                throws InterruptedException, SubmitTimeoutException {
                return r.submitForIndex(payload);
            }

            @Override
            public void receive(String senderCluster, byte[] encodedPeerMessage) {
                r.receive(senderCluster, encodedPeerMessage);
            }

            @Override
            public String clusterUuid() {
                return r.clusterUuid();
            }

            @Override
            public CompletableFuture<Boolean> bootstrap() {
                return r.bootstrap();
            }

            @Override
            public long foreignClusterMessages() {
                return r.foreignClusterMessages();
            }

            @Override
            public void membersHint(Set<String> memberIds) {
                r.membersHint(memberIds);
            }

            @Override
            public ReplicaStatus status() {
                return r.status();
            }

            @Override
            public void close() {
                r.close();
            }

            @Override
            public CompletableFuture<ProposalResult> propose(ConfigChange change) {
                return r.propose(change);
            }

            @Override
            public boolean leaveAndClose(long timeoutMillis) throws InterruptedException {
                return r.leaveAndClose(timeoutMillis);
            }

            @Override
            public void setCatchUpHandler(CatchUpHandler handler) {
                r.setCatchUpHandler(handler);
            }

            @Override
            public CompletableFuture<byte[]> readCommittedChunk(long from, int maxBytes) {
                return r.readCommittedChunk(from, maxBytes);
            }

            @Override
            public Replica replica() {
                return r;
            }
        };
    }
}
