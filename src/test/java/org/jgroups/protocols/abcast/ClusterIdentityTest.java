package org.jgroups.protocols.abcast;

import org.jgroups.JChannel;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster identity: a cluster is bootstrapped once, by the first initial member with a majority of the initial members
 * present; every member stores the cluster's id; members of two clusters that share a name never mix histories.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterIdentityTest extends ChannelTestBase {

    private JChannel start(String name, TestChannels.Recorder rec, String initialMembers) throws Exception {
        JChannel ch = TestChannels.create(name, root.resolve(name), initialMembers);
        ABCAST.find(ch).fsync(false);
        ch.setReceiver(rec);
        ch.connect(cluster);
        channels.add(ch);
        return ch;
    }

    /** Stops a member as a crash would: no leave, no goodbye. */
    private void crash(JChannel ch) throws Exception {
        ABCAST.find(ch).leave_on_disconnect = false;
        channels.remove(ch);
        Util.shutdown(ch);
    }

    private static String uuid(JChannel ch) {
        return ABCAST.find(ch).clusterUuid();
    }

    @Test
    void theFirstInitialMemberWaitsForAllInitialMembersBeforeCreatingTheCluster() throws Exception {
        JChannel a = start("A", new TestChannels.Recorder(), "A,B,C");
        JChannel b = start("B", new TestChannels.Recorder(), "A,B,C");
        Thread.sleep(500);
        assertNull(uuid(a), "without C, A could be a member that lost its disk while C holds the history");
        assertEquals("[]", ABCAST.find(a).voters());
        JChannel c = start("C", new TestChannels.Recorder(), "A,B,C");
        TestChannels.waitFor("A bootstrapped, B and C joined", 20_000,
                             () -> uuid(a) != null && uuid(a).equals(uuid(b)) && uuid(a).equals(uuid(c)));
        a.send(null, "first".getBytes());
    }

    @Test
    void aFirstMemberThatLostItsDiskWhileTheOthersWereDownJoinsTheClusterInsteadOfCreatingASecondOne()
        throws Exception {
        TestChannels.Recorder recB = new TestChannels.Recorder();
        JChannel a = start("A", new TestChannels.Recorder(), "A,B,C");
        JChannel b = start("B", recB, "A,B,C");
        JChannel c = start("C", new TestChannels.Recorder(), "A,B,C");
        TestChannels.waitFor("three voters", 20_000, () -> ABCAST.find(a).voters().equals("[A, B, C]"));
        for (int i = 0; i < 50; i++) a.send(null, ("m" + i).getBytes());
        TestChannels.waitFor("B delivered everything", 20_000, () -> recB.size() == 50);
        String original = uuid(b);
        assertNotNull(original);
        assertEquals(original, uuid(a));
        List<String> history = recB.texts();
        crash(a);
        crash(b);
        crash(c);
        TestChannels.deleteTree(root.resolve("A")); // A's disk is lost while the whole cluster is down

        TestChannels.Recorder recA = new TestChannels.Recorder();
        JChannel a2 = start("A", recA, "A,B,C");
        Thread.sleep(500);
        assertNull(uuid(a2), "alone and without a disk, A must not create a new cluster");
        start("C", new TestChannels.Recorder(), "A,B,C");
        Thread.sleep(300);
        assertNull(uuid(a2), "C belongs to the cluster, so A does not create one; C alone elects no leader to join");
        JChannel b2 = start("B", new TestChannels.Recorder(), "A,B,C");
        TestChannels.waitFor("A joined the original cluster", 30_000, () -> original.equals(uuid(a2)));
        TestChannels.waitFor("A recovered the whole history", 30_000, () -> recA.size() == 50);
        assertEquals(history, recA.texts());
        assertEquals(original, uuid(b2));
        TestChannels.waitFor("A votes again, with its new disk", 30_000,
                             () -> ABCAST.find(b2).voters().equals("[A, B, C]")
                                 && ABCAST.find(b2).learners().equals("[]"));
    }

    @Test
    void twoClustersBootstrappedApartShareANameButNeverAHistory() throws Exception {
        // A and B each bootstrap a cluster of their own under the same name (each is its own first initial member).
        JChannel a = start("A", new TestChannels.Recorder(), "A");
        a.send(null, "in A's cluster".getBytes());
        crash(a);
        JChannel b = start("B", new TestChannels.Recorder(), "B");
        b.send(null, "in B's cluster".getBytes());
        crash(b);

        TestChannels.Recorder recA = new TestChannels.Recorder(), recB = new TestChannels.Recorder(),
            recC = new TestChannels.Recorder();
        JChannel a2 = start("A", recA, "A");
        JChannel b2 = start("B", recB, "B");
        assertNotEquals(uuid(a2), uuid(b2));
        TestChannels.waitFor("each sees the other as foreign", 20_000,
                             () -> ABCAST.find(a2).foreignMembers().equals("[B]")
                                 && ABCAST.find(b2).foreignMembers().equals("[A]"));

        // Neither serves its history to the other through RECOVERY.
        RECOVERY recoveryOfB = b2.getProtocolStack().findProtocol(RECOVERY.class);
        a2.send(new org.jgroups.BytesMessage(b2.getAddress()).putHeader(recoveryOfB.getId(), RecoveryHeader.fetch(1, 1, 1 << 20)));
        TestChannels.waitFor("B dropped A's fetch", 20_000, () -> recoveryOfB.getForeignDropped() == 1);
        assertEquals(0, recoveryOfB.getChunksServed());

        // A brand-new member asks to join; it joins the cluster whose leader reaches it first and refuses the other.
        JChannel c = start("C", recC, "");
        TestChannels.waitFor("C joined one of the clusters", 20_000, () -> uuid(c) != null);
        JChannel joined = uuid(c).equals(uuid(a2)) ? a2 : b2, other = joined == a2 ? b2 : a2;
        TestChannels.Recorder recJoined = joined == a2 ? recA : recB;
        joined.send(null, "after C joined".getBytes());
        other.send(null, "not for C".getBytes());
        TestChannels.waitFor("C got its cluster's history", 20_000, () -> recC.size() == recJoined.size()
            && recC.texts().contains("after C joined"));
        assertEquals(recJoined.texts(), recC.texts());
        assertTrue(!recC.texts().contains("not for C") && !recA.texts().contains("in B's cluster")
                       && !recB.texts().contains("in A's cluster"), "histories never mix");
    }
}
