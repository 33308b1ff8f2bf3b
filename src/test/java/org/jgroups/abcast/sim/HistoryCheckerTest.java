package org.jgroups.abcast.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The checker's specification, property by property: for each, histories that keep it and histories that break it
 * and nothing else. Histories without {@code finished} are judged for safety only: nobody owes a delivery yet.
 */
class HistoryCheckerTest {

    @Nested
    class Validity {
        @Test
        void messagesSubmittedByCorrectMembersReachEveryCorrectMember() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            for (String member : List.of("a", "b", "c"))
                deliverFrom(h, member, 0, 1, "m1", "m2");
            h.finished(Set.of("a", "b", "c"));
            assertClean(h);
        }

        @Test
        void aCorrectMembersSubmissionThatNoCorrectMemberDeliversIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            for (String member : List.of("a", "b", "c"))
                deliverFrom(h, member, 0, 1, "m1");
            h.finished(Set.of("a", "b", "c"));
            List<Violation> v = onlyViolationsOf("validity", h);
            assertEquals(3, v.size(), "one per correct member lacking m2: " + v);
            assertMentions(v.get(0), "m2", "a#0", "correct member a");
        }

        @Test
        void submissionsOfEarlierLivesAndOfCrashedMembersAreNotOwed() {
            History h = new History();
            submit(h, "a", 0, "m1");
            h.crashed("a", 0);
            submit(h, "c", 0, "m2");
            h.crashed("c", 0);
            submit(h, "a", 1, "m3");
            deliverFrom(h, "a", 1, 1, "m3");
            deliverFrom(h, "b", 0, 1, "m3");
            h.finished(Set.of("a", "b"));
            assertClean(h);
        }

        @Test
        void aCorrectMemberWhoseLastRecordedLifeCrashedIsJudgedOnItsNextLife() {
            History h = new History();
            submit(h, "b", 0, "m1");
            deliverFrom(h, "a", 0, 1, "m1");
            deliverFrom(h, "b", 0, 1, "m1");
            h.crashed("a", 0);
            h.finished(Set.of("a", "b"));
            List<Violation> v = HistoryChecker.check(h);
            assertEquals(Set.of("validity", "uniform-agreement"), properties(v), v::toString);
            assertMentions(v.get(0), "a#1");
        }
    }

    @Nested
    class UniformAgreement {
        @Test
        void whatACrashedLifeDeliveredEveryCorrectMemberDeliversToo() {
            History h = new History();
            submit(h, "c", 0, "m1");
            deliverFrom(h, "c", 0, 1, "m1");
            h.crashed("c", 0);
            deliverFrom(h, "a", 0, 1, "m1");
            deliverFrom(h, "b", 0, 1, "m1");
            h.finished(Set.of("a", "b"));
            assertClean(h);
        }

        @Test
        void aMessageOnlyACrashedMemberDeliveredIsAViolation() {
            History h = new History();
            submit(h, "c", 0, "m1", "m2");
            deliverFrom(h, "c", 0, 1, "m1", "m2");
            h.crashed("c", 0);
            deliverFrom(h, "a", 0, 1, "m1");
            deliverFrom(h, "b", 0, 1, "m1");
            h.finished(Set.of("a", "b"));
            List<Violation> v = onlyViolationsOf("uniform-agreement", h);
            assertEquals(2, v.size(), v::toString);
            assertMentions(v.get(0), "c#0 delivered m2 at index 2", "a#0", "correct member a");
        }

        @Test
        void aMessageKnownOnlyFromACrashedLifesSnapshotCountsAsDelivered() {
            History h = new History();
            submit(h, "c", 0, "m1", "m2");
            deliverFrom(h, "a", 0, 1, "m1");
            h.snapshotInstalled("c", 1, 2, List.of("m1", "m2"));
            h.crashed("c", 1);
            h.finished(Set.of("a"));
            assertMentions(onlyViolationsOf("uniform-agreement", h).get(0), "snapshot installed by c#1", "m2");
        }
    }

    @Nested
    class Durability {
        @Test
        void committedMessagesAreDeliveredAtTheReportedIndexOrCoveredByASnapshot() {
            History h = new History();
            submit(h, "a", 0, "m1", "m3");
            h.reportedCommitted("a", 0, "m1", 1);
            h.reportedCommitted("a", 0, "m3", 3); // index 2 is a no-op
            h.delivered("a", 0, 1, "m1");
            h.delivered("a", 0, 3, "m3");
            h.snapshotInstalled("b", 0, 3, List.of("m1", "m3"));
            h.finished(Set.of("a", "b"));
            assertClean(h);
        }

        @Test
        void aCommittedMessageThatCorrectMembersNeverDeliverIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            h.reportedCommitted("a", 0, "m2", 2);
            h.crashed("a", 0);
            deliverFrom(h, "b", 0, 1, "m1");
            deliverFrom(h, "c", 0, 1, "m1");
            h.finished(Set.of("b", "c"));
            List<Violation> v = onlyViolationsOf("durability", h);
            assertEquals(2, v.size(), v::toString);
            assertMentions(v.get(0), "m2 was reported committed at index 2 to its submitter a#0", "b#0",
                    "never delivered it");
        }

        @Test
        void aCommittedMessageDeliveredAtAnotherIndexIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            h.reportedCommitted("a", 0, "m2", 2);
            h.crashed("a", 0);
            h.delivered("b", 0, 1, "m1");
            h.delivered("b", 0, 3, "m2");
            h.finished(Set.of("b"));
            assertMentions(onlyViolationsOf("durability", h).get(0), "b#0 delivered m2 at index 3");
        }

        @Test
        void anotherMessageDeliveredAtACommittedIndexIsAViolationEvenBeforeTheRunFinishes() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            submit(h, "b", 0, "m3");
            h.reportedCommitted("a", 0, "m2", 2);
            deliverFrom(h, "b", 0, 1, "m1", "m3");
            assertMentions(onlyViolationsOf("durability", h).get(0), "b#0 delivered m3 at index 2");
        }
    }

    @Nested
    class UniformIntegrity {
        @Test
        void aNewLifeMayDeliverEverythingAgainFromIndexOne() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2", "m3");
            deliverFrom(h, "a", 0, 1, "m1", "m2");
            h.crashed("a", 0);
            deliverFrom(h, "a", 1, 1, "m1", "m2", "m3");
            deliverFrom(h, "b", 0, 1, "m1", "m2", "m3");
            h.finished(Set.of("a", "b"));
            assertClean(h);
        }

        @Test
        void deliveringAMessageTwiceInOneLifeIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.delivered("a", 0, 3, "m1");
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0),
                    "a#0 delivered m1 at index 3", "already delivered it at index 1");
        }

        @Test
        void deliveringAMessageTheLifesSnapshotAlreadyContainedIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2", "m3");
            h.snapshotInstalled("b", 0, 2, List.of("m1", "m2"));
            h.delivered("b", 0, 3, "m2");
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0),
                    "b#0 delivered m2 at index 3", "got it through its snapshot at index 2");
        }

        @Test
        void deliveringAMessageNobodySubmittedIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m3");
            deliverFrom(h, "a", 0, 1, "m1", "ghost", "m3");
            h.delivered("b", 0, 1, "m1");
            h.delivered("b", 0, 3, "m3");
            h.finished(Set.of("a", "b"));
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0),
                    "a#0 delivered ghost at index 2", "no member ever submitted ghost");
        }

        @Test
        void deliveringALogInternalEntryIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1");
            deliverFrom(h, "a", 0, 1, "#noop", "m1");
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0), "a#0 delivered #noop at index 1",
                    "log-internal");
        }

        @Test
        void aMessageDeliveredAtTwoIndicesIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.delivered("b", 0, 1, "m1");
            h.delivered("b", 0, 3, "m2");
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0), "m2 appears at two global indices",
                    "a#0 delivered m2 at index 2", "b#0 delivered m2 at index 3");
        }

        @Test
        void aSnapshotListingAMessageTwiceIsAViolation() {
            History h = aSubmittedAndDelivered("m1");
            h.snapshotInstalled("b", 0, 1, List.of("m1", "m1"));
            assertMentions(onlyViolationsOf("uniform-integrity", h).get(0), "lists m1 more than once");
        }
    }

    @Nested
    class UniformTotalOrder {
        @Test
        void streamsThatFollowOneSequenceFromIndexOneOrASnapshotAreConsistent() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2", "m4", "m5");
            deliverFrom(h, "a", 0, 1, "m1", "m2");
            h.delivered("a", 0, 4, "m4"); // index 3 is a no-op
            h.crashed("a", 0);
            deliverFrom(h, "a", 1, 1, "m1");
            h.snapshotInstalled("b", 0, 3, List.of("m1", "m2"));
            deliverFrom(h, "b", 0, 4, "m4", "m5");
            h.snapshotInstalled("a", 1, 4, List.of("m1", "m2", "m4")); // a lagging life catches up mid-way
            h.delivered("a", 1, 5, "m5");
            assertClean(h);
        }

        @Test
        void twoMessagesAtOneIndexIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            h.delivered("a", 0, 1, "m1");
            h.delivered("b", 0, 1, "m2");
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "index 1 holds two messages",
                    "a#0 delivered m1", "b#0 delivered m2");
        }

        @Test
        void deliveringM2BeforeM1WhileAnotherStreamDeliversM1BeforeM2IsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.delivered("b", 0, 2, "m2");
            h.delivered("b", 0, 1, "m1");
            List<Violation> v = onlyViolationsOf("uniform-total-order", h);
            assertTrue(v.stream().anyMatch(x -> x.detail().contains("b#0 delivered m1 at index 1 (event #5) after "
                    + "having reached index 2")), v::toString);
        }

        @Test
        void skippingAMessageAnotherStreamDeliveredInBetweenIsAGap() {
            History h = aSubmittedAndDelivered("m1", "m2", "m3");
            h.delivered("b", 0, 1, "m1");
            h.delivered("b", 0, 3, "m3");
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "b#0 skipped m2 at index 2",
                    "after index 1 it delivered m3 at index 3");
        }

        @Test
        void aNewLifeWithoutSnapshotThatStartsPastTheFirstMessageHasAGap() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            deliverFrom(h, "b", 0, 1, "m1", "m2");
            h.delivered("a", 1, 2, "m2");
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "a#1 skipped m1 at index 1",
                    "after the start of its life");
        }

        @Test
        void aSnapshotOrderingMessagesDifferentlyFromTheDeliveriesIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2", "m3");
            h.snapshotInstalled("b", 0, 2, List.of("m2", "m1"));
            h.delivered("b", 0, 3, "m3");
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0),
                    "the snapshot b#0 installed at index 2", "lists m1 after m2");
        }

        @Test
        void aSnapshotListingAMessageFromAboveItsIndexIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2", "m3");
            h.snapshotInstalled("b", 0, 2, List.of("m1", "m2", "m3"));
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "lists m3",
                    "a#0 delivered m3 at index 3", "above the snapshot index");
        }

        @Test
        void aSnapshotLackingAMessageDeliveredBelowItsIndexIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2", "m3");
            h.snapshotInstalled("b", 0, 3, List.of("m1", "m3"));
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "lacks m2",
                    "a#0 delivered m2 at index 2");
        }

        @Test
        void aGapVisibleOnlyThroughAnotherLifesSnapshotIsAViolation() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2", "m3");
            h.snapshotInstalled("c", 0, 3, List.of("m1", "m2", "m3")); // m2's index is known from nowhere else
            h.delivered("a", 0, 1, "m1");
            h.delivered("a", 0, 3, "m3");
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0),
                    "a#0 delivered m3 at index 3 (event #5) as message number 2 of its state",
                    "number 2 is m2 (index known only from snapshots) for c#0", "a#0 lacks m2 altogether");
        }

        @Test
        void aSnapshotThatRollsBackWhatTheLifeAlreadyAppliedIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.snapshotInstalled("a", 0, 1, List.of("m1"));
            assertMentions(onlyViolationsOf("uniform-total-order", h).get(0), "goes back below index 2");
        }
    }

    @Nested
    class SingleLeaderPerTerm {
        @Test
        void oneLeaderPerTermEvenIfAMemberLeadsSeveralTerms() {
            History h = new History();
            h.becameLeader("a", 1, List.of());
            h.becameLeader("b", 2, List.of());
            h.becameLeader("a", 3, List.of());
            assertClean(h);
        }

        @Test
        void twoLeadersInOneTermIsAViolation() {
            History h = new History();
            h.becameLeader("a", 2, List.of());
            h.becameLeader("b", 2, List.of());
            assertMentions(onlyViolationsOf("single-leader-per-term", h).get(0), "term 2 has two leaders",
                    "a (event #0)", "b (event #1)");
        }
    }

    @Nested
    class LogMatching {
        @Test
        void logsAgreeingWhereTheyOverlapMayBeCompactedOrDivergeInLaterTerms() {
            History h = new History();
            h.logObserved("a", List.of(entry(1, 1, "m1"), entry(2, 1, "m2"), entry(3, 2, "m3")));
            h.logObserved("b", List.of(entry(3, 2, "m3"), entry(4, 2, "m4"))); // prefix compacted
            h.logObserved("c", List.of(entry(1, 1, "m1")));
            h.becameLeader("d", 3, List.of(entry(1, 1, "m1"), entry(2, 1, "m2"), entry(3, 3, "#noop")));
            assertClean(h);
        }

        @Test
        void sameIndexAndTermWithDifferentContentIsAViolation() {
            History h = new History();
            h.logObserved("a", List.of(entry(1, 1, "m1")));
            h.logObserved("b", List.of(entry(1, 1, "m9")));
            assertMentions(onlyViolationsOf("log-matching", h).get(0), "index 1 term 1 holds m9",
                    "the log of b observed at event #1", "m1 in the log of a observed at event #0");
        }

        @Test
        void logsSharingAnEntryButDifferingBelowItIsAViolation() {
            History h = new History();
            h.logObserved("a", List.of(entry(1, 1, "m1"), entry(2, 2, "m2")));
            h.becameLeader("b", 3, List.of(entry(1, 2, "m1"), entry(2, 2, "m2")));
            assertMentions(onlyViolationsOf("log-matching", h).get(0), "index 2 term 2 holds m2 in both",
                    "the election log of b for term 3", "at index 1, has term 2");
        }
    }

    @Nested
    class LeaderCompleteness {
        @Test
        void aLeaderHoldsEveryCommittedEntryAboveItsCompactedPrefix() {
            History h = new History();
            h.becameLeader("a", 1, List.of());
            submit(h, "a", 0, "m1", "m2", "m3");
            deliverFrom(h, "a", 0, 1, "m1", "m2");
            h.becameLeader("b", 2, List.of(entry(2, 1, "m2"))); // index 1 is compacted
            h.delivered("a", 0, 3, "m3"); // committed after the election: not owed by b's log at election
            assertClean(h);
        }

        @Test
        void aLeaderLackingADeliveredEntryIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.becameLeader("c", 2, List.of(entry(1, 1, "m1")));
            assertMentions(onlyViolationsOf("leader-completeness", h).get(0),
                    "c became leader of term 2 (event #4) with a log of indices 1..1", "lacks m2 at index 2",
                    "delivered by a#0 at event #3");
        }

        @Test
        void aLeaderHoldingSomethingElseAtACommittedIndexIsAViolation() {
            History h = aSubmittedAndDelivered("m1", "m2");
            h.becameLeader("c", 2, List.of(entry(1, 1, "m1"), entry(2, 2, "#noop")));
            assertMentions(onlyViolationsOf("leader-completeness", h).get(0), "holds #noop instead of m2");
        }

        @Test
        void anEntryReportedCommittedButNotYetDeliveredIsOwedToo() {
            History h = new History();
            submit(h, "a", 0, "m1", "m2");
            h.reportedCommitted("a", 0, "m1", 1);
            h.reportedCommitted("a", 0, "m2", 2);
            h.becameLeader("b", 2, List.of(entry(1, 1, "m1")));
            assertMentions(onlyViolationsOf("leader-completeness", h).get(0), "lacks m2 at index 2",
                    "reported committed to a#0");
        }
    }

    @Nested
    class RealisticRuns {
        @Test
        void crashesRestartsDiskLossSnapshotsAndLeaderChangesLeaveNoViolation() {
            ScriptedCluster c = new ScriptedCluster("a", "b", "c");
            c.elect("a");
            c.submit("a");
            c.submit("b");
            c.noop();
            c.submit("c");
            c.deliver("a");
            c.deliver("b"); // c lags behind
            c.crash("b");
            c.restart("b"); // the new life delivers everything again from index 1
            c.deliver("b");
            c.compact("a");
            c.observeLog("a");
            c.observeLog("c");
            c.crash("a"); // the leader dies
            c.elect("b");
            c.submit("b");
            c.submitUnconfirmed("c");
            c.crash("c");
            c.wipeDisk("c");
            c.restartFromSnapshot("c", 4); // lost its disk, catches up from the leader's snapshot
            c.restart("a"); // rebuilds from its own snapshot
            c.deliverUpTo("a", 5);
            c.elect("c");
            c.submit("a");
            c.observeLog("b");
            c.finish();
            assertClean(c.history);
        }

        @Test
        void randomCorrectRunsLeaveNoViolation() {
            for (long seed = 1; seed <= 30; seed++)
                assertEquals(List.of(), HistoryChecker.check(ScriptedCluster.randomRun(seed, 1_000).history),
                        "seed " + seed);
        }

        @Test
        void aHundredThousandEventRunIsCheckedQuickly() {
            History h = ScriptedCluster.randomRun(42, 40_000).history;
            assertTrue(h.events().size() >= 100_000, "events: " + h.events().size());
            assertTimeout(Duration.ofSeconds(20), () -> assertEquals(List.of(), HistoryChecker.check(h)));
        }

        @Test
        void aSystematicFaultIsCappedButItsTotalIsStillReported() {
            History h = new History();
            for (int i = 1; i <= 30; i++)
                submit(h, "a", 0, "m" + i);
            h.finished(Set.of("a"));
            List<Violation> v = onlyViolationsOf("validity", h);
            assertEquals(Violations.CAP_PER_PROPERTY + 1, v.size());
            assertMentions(v.get(v.size() - 1), "10 more validity violations not shown");
        }
    }

    // --- helpers

    /** The start of many histories below: a#0 submitted the messages and delivered them at indices 1, 2, ... */
    private static History aSubmittedAndDelivered(String... messageIds) {
        History h = new History();
        submit(h, "a", 0, messageIds);
        deliverFrom(h, "a", 0, 1, messageIds);
        return h;
    }

    private static void submit(History h, String member, int life, String... messageIds) {
        for (String m : messageIds)
            h.submitted(member, life, m);
    }

    /** Delivers the messages at consecutive indices starting at {@code firstIndex}. */
    private static void deliverFrom(History h, String member, int life, long firstIndex, String... messageIds) {
        for (int i = 0; i < messageIds.length; i++)
            h.delivered(member, life, firstIndex + i, messageIds[i]);
    }

    private static LoggedEntry entry(long index, long term, String content) {
        return new LoggedEntry(index, term, content);
    }

    private static void assertClean(History h) {
        assertEquals(List.of(), HistoryChecker.check(h));
    }

    private static List<Violation> onlyViolationsOf(String property, History h) {
        List<Violation> v = HistoryChecker.check(h);
        assertFalse(v.isEmpty(), "expected a " + property + " violation");
        assertEquals(Set.of(property), properties(v), v::toString);
        return v;
    }

    private static Set<String> properties(List<Violation> v) {
        return v.stream().map(Violation::property).collect(Collectors.toSet());
    }

    private static void assertMentions(Violation v, String... fragments) {
        for (String fragment : fragments)
            assertTrue(v.detail().contains(fragment), () -> "'" + fragment + "' missing from: " + v);
    }
}
