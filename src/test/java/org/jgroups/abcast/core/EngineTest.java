package org.jgroups.abcast.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {

    @Test
    void aSingleVoterElectsItselfAndDeliversOnlyWhatIsDurable() {
        MiniCluster c = new MiniCluster("a");
        c.autoPersist = false;
        String leader = c.electLeader();
        assertEquals("a", leader);
        c.submit("a", "hello");
        c.settle();
        assertEquals(List.of(), c.delivered.get("a"), "nothing is delivered before it is on disk");
        Engine a = c.engine("a");
        a.persisted(a.lastIndex(), a.term());
        c.settle();
        assertEquals(List.of("hello"), c.delivered.get("a"));
    }

    @Test
    void aMemberWithoutHistoryBootstrapsAClusterOfItselfOnceAndOnlyOnce() {
        MiniCluster c = new MiniCluster();
        c.add("a", "disk-a", new MemoryLog());
        Engine a = c.engine("a");
        for (int t = 0; t < 20; t++) a.tick();
        c.settle();
        assertEquals(Role.FOLLOWER, a.role(), "without a configuration nobody campaigns");
        assertTrue(a.bootstrap());
        c.settle();
        assertEquals(1, c.logs.get("a").hardState.term(), "the bootstrap term is persisted");
        assertEquals("a", c.electLeader());
        assertEquals(Map.of("a", "disk-a"), a.config().voters());
        assertFalse(a.bootstrap(), "a member with history never bootstraps again");
        c.submit("a", "first");
        c.settle();
        assertEquals(List.of("first"), c.delivered.get("a"));
    }

    @Test
    void aMemberThatAlreadyHoldsHistoryRefusesToBootstrap() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        assertFalse(c.engine("b").bootstrap());
        assertEquals(1, c.engine("b").lastIndex());
    }

    @Test
    void threeMembersDeliverEverySubmissionOnceAndInTheSameOrder() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        c.electLeader();
        for (int i = 0; i < 20; i++)
            for (String m : List.of("a", "b", "c")) c.submit(m, m + i);
        c.settle();
        List<String> order = c.delivered.get("a");
        assertEquals(60, order.size());
        assertEquals(order, c.delivered.get("b"));
        assertEquals(order, c.delivered.get("c"));
        for (String m : List.of("a", "b", "c"))
            for (int i = 1; i < 20; i++)
                assertTrue(order.indexOf(m + (i - 1)) < order.indexOf(m + i), "each member's messages keep FIFO order");
    }

    @Test
    void aResentSubmissionIsAppendedOnlyOnce() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        String follower = leader.equals("a") ? "b" : "a";
        c.submit(follower, "once");
        c.settle();
        Engine l = c.engine(leader);
        long last = l.lastIndex();
        // The same forward arrives again (a resend after a timeout, or a duplicated packet).
        l.step(new PeerMessage.ForwardRequest(follower, leader, l.term(), 1,
                                              List.of(new PeerMessage.Submission(1, "once".getBytes()))));
        c.settle();
        assertEquals(last, l.lastIndex(), "the duplicate was not appended");
        assertEquals(List.of("once"), c.delivered.get(follower));
    }

    @Test
    void aSubmissionWhoseForwardIsLostIsResentAndDeliveredOnce() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        String follower = leader.equals("a") ? "b" : "a";
        c.drop = m -> m instanceof PeerMessage.ForwardRequest;
        c.submit(follower, "lost-then-resent");
        c.settle();
        assertEquals(List.of(), c.delivered.get(follower));
        c.drop = m -> false;
        for (int t = 0; t < 50; t++) {
            for (Engine e : c.engines.values()) e.tick();
            c.settle();
        }
        assertEquals(List.of("lost-then-resent"), c.delivered.get(follower));
        assertEquals(0, c.engine(follower).pendingSubmissions());
    }

    @Test
    void aVoteIsRefusedToACandidateWithAStaleLog() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        c.submit(leader, "x");
        c.settle();
        Engine voter = c.engine(leader.equals("a") ? "b" : "a");
        long term = voter.term() + 1;
        c.engines.values().forEach(e -> {
            for (int t = 0; t < 30; t++) e.tick(); // leases expire everywhere (nobody delivers messages meanwhile)
        });
        c.network.clear();
        voter.step(new PeerMessage.VoteRequest("c", voter.memberId(), term + 5, false, 1, 1));
        PeerMessage.VoteResponse answer = (PeerMessage.VoteResponse) voter.ready().messages().stream()
            .filter(m -> m instanceof PeerMessage.VoteResponse vr && vr.to().equals("c")).findFirst().orElseThrow();
        assertFalse(answer.granted(), "a candidate missing committed entries must not get the vote");
    }

    @Test
    void aFollowerThatLostItsDiskDoesNotCountTowardCommit() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        List<String> others = c.engines.keySet().stream().filter(m -> !m.equals(leader)).toList();
        // One follower is cut off; the other comes back with a new, empty disk.
        String cutOff = others.get(0), wiped = others.get(1);
        c.engines.remove(cutOff);
        c.logs.put(wiped, new MemoryLog());
        c.engines.put(wiped, new Engine(EngineOptions.defaults(wiped, "new-disk", 2).withTiming(10, 2, 20),
                                        c.logs.get(wiped), HardState.INITIAL, SnapshotMeta.NONE));
        long commitBefore = c.engine(leader).commitIndex();
        c.submit(leader, "needs-a-real-majority");
        for (int t = 0; t < 5; t++) {
            c.engine(leader).tick();
            c.settle();
        }
        assertTrue(c.engine(wiped).lastIndex() > 1, "the wiped member receives the log");
        assertEquals(commitBefore, c.engine(leader).commitIndex(), "its acknowledgements do not count");
        assertEquals(Map.of(wiped, "new-disk"), c.engine(leader).followersWithNewStorage());
    }

    @Test
    void membershipChangesAreMadeOneAtATimeAndALearnerBecomesAVoter() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        c.add("d", "disk-d", new MemoryLog());
        Engine l = c.engine(leader);
        assertEquals(ProposalResult.ACCEPTED, l.propose(new ConfigChange.AddLearner("d", "disk-d")));
        assertEquals(ProposalResult.CHANGE_IN_PROGRESS, l.propose(new ConfigChange.Promote("d")));
        c.settle();
        assertTrue(l.config().learners().containsKey("d"));
        assertEquals(ProposalResult.ACCEPTED, l.propose(new ConfigChange.Promote("d")));
        c.settle();
        assertTrue(c.engine("d").config().isVoter("d", "disk-d"), "the new member learns the configuration from the log");
        c.submit("d", "from-d");
        c.settle();
        assertEquals(List.of("from-d"), c.delivered.get("d"));
        assertEquals(List.of("from-d"), c.delivered.get(leader));
    }

    @Test
    void aNewMemberAsksToJoinIsAddedAsLearnerAndPromotedOnceCaughtUp() {
        MiniCluster c = MiniCluster.withAutoMembership("a", "b", "c");
        String leader = c.electLeader();
        c.submit(leader, "before-d");
        c.settle();
        c.add("d", "disk-d", new MemoryLog());
        c.engine("d").hintMembers(java.util.Set.of("a", "b", "c", "d"));
        for (int t = 0; t < 60 && !c.engine(leader).config().isVoter("d", "disk-d"); t++) {
            for (Engine e : c.engines.values()) e.tick();
            c.settle();
        }
        assertTrue(c.engine(leader).config().isVoter("d", "disk-d"), "d joined and was promoted");
        assertEquals(List.of("before-d"), c.delivered.get("d"), "the joiner received the history");
    }

    @Test
    void aLeavingFollowerIsRemovedBeforeItGoes() {
        MiniCluster c = MiniCluster.withAutoMembership("a", "b", "c", "d");
        String leader = c.electLeader();
        String leaver = leader.equals("d") ? "c" : "d";
        c.engine(leaver).leave();
        assertFalse(c.engine(leaver).hasLeft());
        for (int t = 0; t < 30 && !c.engine(leaver).hasLeft(); t++) {
            for (Engine e : c.engines.values()) e.tick();
            c.settle();
        }
        assertTrue(c.engine(leaver).hasLeft(), "the removal is committed and the leaver knows it");
        assertFalse(c.engine(leader).config().contains(leaver));
    }

    @Test
    void aMemberAbsentFromTheViewsLongerThanTheFaultTimeoutIsRemovedButNeverBelowTheMinimum() {
        MiniCluster c = MiniCluster.withAutoMembership("a", "b", "c", "d", "e");
        String leader = c.electLeader();
        List<String> others = c.engines.keySet().stream().filter(m -> !m.equals(leader)).toList();
        Engine l = c.engine(leader);
        // The membership service reports only the leader and one follower from now on (fault timeout: 50 ticks).
        java.util.Set<String> view = java.util.Set.of(leader, others.get(0));
        for (int t = 0; t < 400; t++) {
            l.hintMembers(view);
            for (Engine e : c.engines.values()) e.tick();
            c.settle();
        }
        assertEquals(3, l.config().voters().size(), "three absent voters, but removal stops at the minimum of 3");
        assertTrue(l.config().voters().containsKey(leader));
    }

    @Test
    void aRemovedLeaderStepsDownOnceItsRemovalIsCommitted() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        assertEquals(ProposalResult.ACCEPTED, c.engine(leader).propose(new ConfigChange.Remove(leader)));
        c.settle();
        assertNotEquals(Role.LEADER, c.engine(leader).role());
        assertFalse(c.engine(leader).config().contains(leader));
    }

    @Test
    void aRemovalThatWouldLeaveTheRemainingVotersWithoutALiveMajorityIsRefused() {
        MiniCluster c = new MiniCluster("a", "b", "c");
        String leader = c.electLeader();
        List<String> others = c.engines.keySet().stream().filter(m -> !m.equals(leader)).toList();
        String down = others.get(0), up = others.get(1);
        c.drop = m -> m.to().equals(down) || m.from().equals(down); // one follower is down
        Engine l = c.engine(leader);
        for (int t = 0; t < 100 && l.role() == Role.LEADER; t++) {
            for (Engine e : c.engines.values()) e.tick();
            c.settle();
        }
        assertEquals(Role.LEADER, l.role(), "the leader and one follower are a majority");
        // Removing the leader would leave {down, up}: a configuration whose majority needs the member that is down.
        assertEquals(ProposalResult.NO_LIVE_QUORUM, l.propose(new ConfigChange.Remove(leader)));
        assertEquals(ProposalResult.NO_LIVE_QUORUM, l.propose(new ConfigChange.Remove(up)));
        // Removing the member that is down leaves two live voters: fine.
        assertEquals(ProposalResult.ACCEPTED, l.propose(new ConfigChange.Remove(down)));
        c.settle();
        assertEquals(Map.of(leader, "disk-" + leader, up, "disk-" + up), l.config().voters());
    }
}
