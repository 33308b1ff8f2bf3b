package org.jgroups.protocols.abcast;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.jmx.JmxConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JGroups side of ABCAST with real channels on the local stack but a stand-in replica ({@link EchoReplica}) that
 * does not order: header handling, what a delivered message looks like, pass-through, member id mapping, batches,
 * bad input, start-up failures and JMX. The ordering itself is tested with the real replica in AbcastClusterTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbcastLayerTest extends ChannelTestBase {

    private JChannel start(String name, String memberId, TestChannels.Recorder rec) throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), "");
        channels.add(ch);
        ABCAST a = ABCAST.find(ch).replicaOpener(EchoReplica::new);
        if (memberId != null) a.memberId(memberId);
        if (rec != null) ch.setReceiver(rec);
        ch.connect(cluster);
        return ch;
    }

    @Test
    void deliveredMessageHasOriginAsSourceItsIndexAndTheSendersFlagsAndHeaders() throws Exception {
        TestChannels.Recorder ra = new TestChannels.Recorder(), rb = new TestChannels.Recorder();
        JChannel a = start("A", null, ra), b = start("B", null, rb);
        Util.waitUntilAllChannelsHaveSameView(5000, 50, a, b);
        TestChannels.waitFor("B knows A's member id", 5000,
                             () -> ABCAST.find(a).members.memberIdsInView().equals(Set.of("A", "B")));

        Message m = new BytesMessage(null, "hello".getBytes(StandardCharsets.UTF_8))
            .setFlag(Message.Flag.DONT_BUNDLE)
            .putHeader((short) 200, new RequestCorrelator.Header(RequestCorrelator.Header.REQ, 99, (short) 200));
        long index = ABCAST.find(a).sendAndAwait(m, 10, TimeUnit.SECONDS);
        assertTrue(index >= 1);
        TestChannels.waitFor("B receives", 5000, () -> rb.size() == 1);
        TestChannels.Received got = rb.snapshot().get(0);
        assertEquals("hello", got.text());
        assertEquals(a.getAddress(), got.msg().getSrc());
        assertNull(got.msg().getDest());
        assertEquals("A", got.origin());
        assertTrue(got.index() >= 1);
        assertEquals(1, ABCAST.termOf(got.msg()));
        assertTrue(got.msg().isFlagSet(Message.Flag.DONT_BUNDLE));
        assertEquals(99, ((RequestCorrelator.Header) got.msg().getHeader((short) 200)).requestId());
        TestChannels.waitFor("A receives its own message", 5000, () -> ra.size() == 1);

        // an object message goes through too
        a.send(new ObjectMessage(null, "obj"));
        TestChannels.waitFor("B receives the object", 5000, () -> rb.size() == 2);
        assertEquals("obj", rb.snapshot().get(1).text());
    }

    @Test
    void dontLoopbackSkipsOnlyTheSender() throws Exception {
        TestChannels.Recorder ra = new TestChannels.Recorder(), rb = new TestChannels.Recorder();
        JChannel a = start("A", null, ra), b = start("B", null, rb);
        Util.waitUntilAllChannelsHaveSameView(5000, 50, a, b);
        TestChannels.waitFor("ids", 5000, () -> ABCAST.find(a).members.memberIdsInView().size() == 2);
        a.send(new BytesMessage(null, "x".getBytes()).setFlag(Message.TransientFlag.DONT_LOOPBACK));
        a.send(new BytesMessage(null, "y".getBytes()));
        TestChannels.waitFor("B gets both", 5000, () -> rb.size() == 2);
        TestChannels.waitFor("A gets y", 5000, () -> ra.size() == 1);
        assertEquals(List.of("y"), ra.texts());
    }

    @Test
    void unicastsAndFlaggedMulticastsPassThroughUnordered() throws Exception {
        TestChannels.Recorder rb = new TestChannels.Recorder();
        JChannel a = start("A", null, null), b = start("B", null, rb);
        Util.waitUntilAllChannelsHaveSameView(5000, 50, a, b);
        a.send(new BytesMessage(b.getAddress(), "unicast".getBytes()));
        a.send(new BytesMessage(null, "oob".getBytes()).setFlag(Message.Flag.OOB));
        a.send(new BytesMessage(null, "nto".getBytes()).setFlag(Message.Flag.NO_TOTAL_ORDER));
        TestChannels.waitFor("3 messages", 5000, () -> rb.size() == 3);
        for (TestChannels.Received r : rb.snapshot()) {
            assertEquals(-1, r.index(), r.text() + " must not be ordered");
            assertEquals(a.getAddress(), r.msg().getSrc());
        }
        assertEquals(3, ABCAST.find(a).numPassthrough());
        assertEquals(0, ABCAST.find(a).numOrderedSent());
    }

    @Test
    void explicitMemberIdsAreLearnedFromAnnouncements() throws Exception {
        TestChannels.Recorder rb = new TestChannels.Recorder();
        JChannel a = start("node-1", "alpha", null), b = start("node-2", "beta", rb);
        Util.waitUntilAllChannelsHaveSameView(5000, 50, a, b);
        assertEquals(Set.of("alpha", "beta"), ABCAST.find(b).members.memberIdsInView());
        assertEquals(Set.of("alpha", "beta"), ABCAST.find(a).members.memberIdsInView());
        a.send(new BytesMessage(null, "m".getBytes()));
        TestChannels.waitFor("B receives", 5000, () -> rb.size() == 1);
        assertEquals("alpha", rb.snapshot().get(0).origin());
        assertEquals(a.getAddress(), rb.snapshot().get(0).msg().getSrc());
        assertEquals("alpha", ABCAST.find(a).memberIdInUse());
    }

    @Test
    void malformedAndForeignHeadersAreDroppedAndCountedAndTrafficGoesOn() throws Exception {
        TestChannels.Recorder rb = new TestChannels.Recorder();
        JChannel a = start("A", null, null), b = start("B", null, rb);
        Util.waitUntilAllChannelsHaveSameView(5000, 50, a, b);
        TestChannels.waitFor("ids", 5000, () -> ABCAST.find(a).members.memberIdsInView().size() == 2);
        Protocol belowA = ABCAST.find(a).getDownProtocol();
        short id = ABCAST.PROTOCOL_ID;
        // an ORDERED header never travels: foreign
        belowA.down(new BytesMessage(b.getAddress(), "f1".getBytes()).putHeader(id, AbcastHeader.ordered(5, 1, "A")));
        // a peer message must be a unicast
        belowA.down(new BytesMessage(null, "f2".getBytes()).putHeader(id, AbcastHeader.peer("A")));
        // a header of an unknown version/type
        belowA.down(new BytesMessage(b.getAddress(), "f3".getBytes()).putHeader(id, AbcastHeaderTest.parse(1, 77)));
        belowA.down(new BytesMessage(b.getAddress(), "f4".getBytes()).putHeader(id, AbcastHeaderTest.parse(9, 1)));
        // a peer message whose payload the replica cannot parse
        belowA.down(new BytesMessage(b.getAddress(), new byte[]{1}).putHeader(id, AbcastHeader.peer("A")));
        ABCAST ab = ABCAST.find(b);
        TestChannels.waitFor("4 bad headers counted", 5000, () -> ab.numBadHeaders() == 4);
        TestChannels.waitFor("1 malformed peer message counted", 5000, () -> ab.droppedMalformed() == 5);
        assertEquals(0, rb.size(), "nothing bad reaches the application");
        a.send(new BytesMessage(null, "ok".getBytes()));
        TestChannels.waitFor("B still works", 5000, () -> rb.size() == 1);
        assertEquals("ok", rb.texts().get(0));
    }

    @Test
    void batchesLoseOnlyTheAbcastMessages() throws Exception {
        ABCAST p = new ABCAST();
        List<Message> passedUp = new ArrayList<>();
        p.setUpProtocol(new Protocol() {
            @Override
            public void up(MessageBatch batch) {
                batch.forEach(passedUp::add);
            }
        });
        List<byte[]> toReplica = new ArrayList<>();
        p.replica = new ReplicaHandle() {
            public java.util.concurrent.CompletableFuture<org.jgroups.abcast.replica.Delivery> submit(byte[] x) {
                throw new UnsupportedOperationException();
            }

            public void receive(String senderCluster, byte[] b) {
                toReplica.add(b);
            }

            public void membersHint(Set<String> ids) {
            }

            public org.jgroups.abcast.replica.ReplicaStatus status() {
                return null;
            }

            public void close() {
            }
        };
        Address self = UUID.randomUUID(), other = UUID.randomUUID();
        short id = ABCAST.PROTOCOL_ID;
        MessageBatch batch = new MessageBatch(List.of(
            new BytesMessage(self, "app1".getBytes()).setSrc(other),
            new BytesMessage(self, new byte[]{7, 7}).setSrc(other).putHeader(id, AbcastHeader.peer("o")),
            new EmptyMessage(self).setSrc(other).putHeader(id, AbcastHeader.ordered(1, 1, "o")),
            new BytesMessage(self, "app2".getBytes()).setSrc(other)));
        p.up(batch);
        assertEquals(2, passedUp.size());
        assertEquals(1, toReplica.size());
        assertEquals(1, p.numBadHeaders());
        assertEquals(1, p.numPeerReceived());
    }

    @Test
    void unusableDataDirFailsConnectWithAClearMessage() throws Exception {
        Path file = Files.createFile(root.resolve("not-a-dir"));
        JChannel ch = TestChannels.create("A", file.resolve("sub"), "");
        channels.add(ch);
        ABCAST.find(ch).replicaOpener(EchoReplica::new);
        Exception e = assertThrows(Exception.class, () -> ch.connect(cluster));
        assertTrue(e.getMessage().contains("data_dir") && e.getMessage().contains("not-a-dir"), e.getMessage());
        assertFalse(ch.isConnected());
    }

    @Test
    void replicaOpenFailureFailsConnectAndLeaves() throws Exception {
        JChannel a = start("A", null, null);
        JChannel ch = TestChannels.create("B", root.resolve("B"), "");
        channels.add(ch);
        ABCAST.find(ch).replicaOpener((o, t, l) -> {
            throw new java.io.IOException("data directory belongs to member Z");
        });
        Exception e = assertThrows(Exception.class, () -> ch.connect(cluster));
        assertTrue(e.getMessage().contains("belongs to member Z"), e.getMessage());
        TestChannels.waitFor("B left", 5000, () -> a.getView().size() == 1);
    }

    @Test
    void duplicateMemberIdFailsConnect() throws Exception {
        JChannel a = start("A", "same", null);
        JChannel ch = TestChannels.create("B", root.resolve("B"), "");
        channels.add(ch);
        ABCAST.find(ch).replicaOpener(EchoReplica::new).memberId("same");
        Exception e = assertThrows(Exception.class, () -> ch.connect(cluster));
        assertTrue(e.getMessage().contains("'same' is already used by"), e.getMessage());
        assertTrue(ABCAST.find(a).isRunning(), "the first member keeps running");
    }

    @Test
    void sendWithoutRunningReplicaSaysWhy() {
        ABCAST p = new ABCAST();
        OrderingUnavailableException e = assertThrows(OrderingUnavailableException.class,
                                                      () -> p.down(new BytesMessage(null, new byte[1])));
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
    }

    @Test
    void attributesAreVisibleThroughJmx() throws Exception {
        JChannel a = start("A", null, null);
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        String domain = "abcasttest";
        JmxConfigurator.registerChannel(a, mbs, domain, cluster, true);
        try {
            Set<ObjectName> names = mbs.queryNames(new ObjectName(domain + ":*"), null);
            ObjectName abcast = names.stream().filter(n -> n.toString().contains("ABCAST")).findFirst().orElseThrow();
            assertEquals("LEADER", mbs.getAttribute(abcast, "role"));
            assertEquals("A", mbs.getAttribute(abcast, "leader"));
            for (String attr : List.of("term", "commit_index", "last_index", "durable_index", "voters", "learners",
                                       "inflight", "delivered", "forwarded", "dropped_malformed", "num_peer_sent"))
                assertNotNull(mbs.getAttribute(abcast, attr), attr);
            assertEquals(10_000, ((Number) mbs.getAttribute(abcast, "max_inflight_messages")).intValue());
        } finally {
            JmxConfigurator.unregisterChannel(a, mbs, domain, cluster);
        }
    }
}
