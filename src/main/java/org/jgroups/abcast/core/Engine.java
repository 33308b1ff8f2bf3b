package org.jgroups.abcast.core;

import org.jgroups.abcast.core.PeerMessage.AppendRequest;
import org.jgroups.abcast.core.PeerMessage.AppendResponse;
import org.jgroups.abcast.core.PeerMessage.ForwardRequest;
import org.jgroups.abcast.core.PeerMessage.JoinRequest;
import org.jgroups.abcast.core.PeerMessage.LeaveRequest;
import org.jgroups.abcast.core.PeerMessage.Submission;
import org.jgroups.abcast.core.PeerMessage.VoteRequest;
import org.jgroups.abcast.core.PeerMessage.VoteResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replication state machine of one member: Raft (terms, pre-vote, majority quorums, log repair) used as a
 * sequencer for atomic broadcast, plus exactly-once submission and storage-aware membership.
 *
 * <p>Pure and deterministic: no threads, no clock, no I/O. Inputs are method calls ({@link #step}, {@link #tick},
 * {@link #submit}, {@link #persisted}, {@link #hintMembers}, {@link #propose}, {@link #installSnapshot}); outputs are
 * collected into a {@link Ready}. Not thread-safe: one thread drives it. See docs/design.md for the safety argument.
 */
public final class Engine {
    private final EngineOptions opt;
    private final String self;
    private final ReplicatedLog log;
    private final Random random;

    private long term;
    private String votedFor;
    private boolean hardStateDirty;
    private Role role = Role.FOLLOWER;
    private String leader;

    private int electionElapsed;
    private int randomizedElectionTimeout;
    private int heartbeatElapsed;
    private int quorumCheckElapsed;

    /** Leader only: one entry per other member of the configuration. */
    private final Map<String, FollowerProgress> progress = new TreeMap<>();
    /** Candidate only: answers from voters whose storage matches the configuration. */
    private final Map<String, Boolean> votes = new TreeMap<>();

    /** Follower: highest index known to match the current leader's log (valid for the current term only). */
    private long verifiedIndex;
    private long lastAckedDurable;
    /** Follower: the highest commit index a leader has announced (to know how far behind we are). */
    private long leaderCommitSeen;
    /** Follower: fetching committed history in bulk through the adapter's recovery layer. */
    private boolean bulkActive;
    private int bulkElapsed;
    private long bulkProgressMark;
    /** Ticks before a new bulk catch-up may start, after one was abandoned. */
    private int bulkBackoff;
    private CatchUpWanted catchUpWanted;

    private final OwnSubmissions own = new OwnSubmissions();
    private boolean resendAll;
    private int resendElapsed;
    private long oldestPendingAtLastCheck = -1;

    /** De-duplication state at the applied index (replicated state machine; part of snapshots). */
    private SessionTable appliedSessions;
    /** Leader only: de-duplication state at the end of the leader's log. */
    private SessionTable leaderSessions;

    /** The members the group membership service last reported (liveness hint; whom a joiner asks). */
    private Set<String> hintedMembers = Set.of();
    private int joinElapsed;
    /** Leader only: members that asked to join, with the storage they asked with. */
    private final Map<String, String> joinRequests = new TreeMap<>();
    /** Leader only: members that asked to leave. */
    private final Set<String> leaveRequests = new TreeSet<>();
    /** Leader only: removed members, with the index of their removal, still replicated to until they know it. */
    private final Map<String, Long> departed = new TreeMap<>();
    /** Leader only: ticks each member has been missing from the membership hints. */
    private final Map<String, Integer> absentTicks = new TreeMap<>();
    private boolean leaving;
    private int leaveElapsed;

    /** Cache of {@link #replicationTargets()} and the inputs it was built from. */
    private Set<String> targets = Set.of();
    private Configuration targetsNewest, targetsCommitted;
    private boolean targetsWithoutDeparted;

    private final List<PeerMessage> outbox = new ArrayList<>();
    private final List<SnapshotNeeded> snapshotNeeds = new ArrayList<>();

    /**
     * @param store     the entries on disk at start (and, later, those the adapter wrote and reported durable)
     * @param hardState the persisted term and vote ({@link HardState#INITIAL} for a new member)
     * @param snapshot  the snapshot the store starts after ({@link SnapshotMeta#NONE} if none)
     */
    public Engine(EngineOptions options, LogReader store, HardState hardState, SnapshotMeta snapshot) {
        this.opt = Objects.requireNonNull(options);
        this.self = options.memberId();
        this.random = new Random(options.randomSeed());
        // Unapplied entries stay cached regardless of this budget; applied ones are kept for followers a little behind.
        this.log = new ReplicatedLog(store, snapshot, options.maxApplyBytes(), options.maxApplyBytes());
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        if (log.lastTerm() > term)
            throw new IllegalStateException("log holds term " + log.lastTerm() + " beyond persisted term " + term);
        this.appliedSessions = snapshot.sessions();
        resetElectionTimer();
    }

    // ------------------------------------------------------------------ inputs

    /** Advances logical time by one tick. */
    public void tick() {
        electionElapsed++;
        if (role == Role.LEADER) {
            if (++heartbeatElapsed >= opt.heartbeatTicks()) {
                heartbeatElapsed = 0;
                heartbeat();
            }
            if (++quorumCheckElapsed >= opt.electionTicks()) {
                quorumCheckElapsed = 0;
                checkQuorum();
            }
        } else if (electionElapsed >= randomizedElectionTimeout && isSelfVoter()) {
            campaign(true);
        }
        if (role == Role.LEADER && opt.faultTicks() > 0) countAbsences();
        if (bulkBackoff > 0) bulkBackoff--;
        if (bulkActive && ++bulkElapsed >= 5 * opt.electionTicks()) {
            bulkElapsed = 0;
            if (log.commitIndex() == bulkProgressMark) requestCatchUp(); // the transfer stalled: ask again
            bulkProgressMark = log.commitIndex();
        }
        if (leaving && ++leaveElapsed >= opt.heartbeatTicks()) {
            leaveElapsed = 0;
            if (leader != null && !leader.equals(self) && log.config().contains(self))
                send(new LeaveRequest(self, leader, term));
        }
        if (!leaving && !isMemberWithOwnStorage() && ++joinElapsed >= opt.electionTicks()) {
            joinElapsed = 0;
            askToJoin();
        }
        if (own.count() > 0 && ++resendElapsed >= opt.resendTicks()) {
            resendElapsed = 0;
            if (own.oldestPending() == oldestPendingAtLastCheck) resendAll = true;
            oldestPendingAtLastCheck = own.oldestPending();
        }
    }

    /** Submits an application message for total order; returns its sequence number within this incarnation. */
    public long submit(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return own.add(payload);
    }

    /** Storage reports that every write up to the entry (index, term) is durable. */
    public void persisted(long index, long entryTerm) {
        if (!log.stableTo(index, entryTerm)) return;
        if (role == Role.LEADER) maybeCommit();
        else if (leader != null && durableAck() > lastAckedDurable) respondSuccess();
    }

    /**
     * A liveness hint from the group membership service: the members currently reachable. If the leader is not among
     * them, this member stops waiting for it and starts an election at the next tick. Never affects safety.
     */
    public void hintMembers(Set<String> reachable) {
        hintedMembers = Set.copyOf(reachable);
        if (role != Role.LEADER && leader != null && !reachable.contains(leader)) {
            leader = null;
            electionElapsed = randomizedElectionTimeout;
        }
    }

    public void step(PeerMessage m) {
        if (!self.equals(m.to())) return;
        if (m instanceof ForwardRequest f) {
            onForward(f); // forwards carry no authority, whatever their term
            return;
        }
        if (m instanceof JoinRequest j) {
            // Only members the membership service sees may join (a member it reports absent stays out).
            if (role == Role.LEADER && (hintedMembers.isEmpty() || hintedMembers.contains(j.from())))
                joinRequests.put(j.from(), j.storageId());
            return;
        }
        if (m instanceof LeaveRequest l) {
            if (role != Role.LEADER) return;
            joinRequests.remove(l.from());
            if (log.config().contains(l.from())) leaveRequests.add(l.from());
            else departed.putIfAbsent(l.from(), log.configIndex()); // removed, but missed the news: repeat it
            return;
        }
        if (m.term() > term) {
            if (m instanceof VoteRequest vr) {
                if (inLease()) return; // we hear from a live leader: ignore a disruptive candidate
                if (vr.preVote()) {
                    onPreVote(vr);
                    return;
                }
                becomeFollower(m.term(), null);
            } else if (m instanceof VoteResponse vr && vr.preVote() && vr.granted()) {
                // a granted pre-vote carries the proposed term, which nobody adopted
            } else {
                becomeFollower(m.term(), m instanceof AppendRequest ? m.from() : null);
            }
        } else if (m.term() < term) {
            if (m instanceof AppendRequest)
                send(new AppendResponse(self, m.from(), term, false, 0, 0, -1, -1, opt.storageId(), false));
            else if (m instanceof VoteRequest vr && vr.preVote())
                send(new VoteResponse(self, m.from(), term, true, false, opt.storageId()));
            return;
        }
        if (m instanceof AppendRequest a) onAppend(a);
        else if (m instanceof AppendResponse r) onAppendResponse(r);
        else if (m instanceof VoteRequest v) {
            if (v.preVote()) onPreVote(v);
            else onVote(v);
        } else if (m instanceof VoteResponse v) onVoteResponse(v);
    }

    /**
     * Creates a new cluster with this member (and its storage) as the only voter, by writing the first configuration
     * entry. Only a member that has never held any history may do this: the adapter decides when (see
     * docs/operations.md, "Bootstrapping"); the engine refuses (returns false) if the log or a snapshot holds anything.
     * A term left over from a crashed earlier attempt is kept: terms never go back.
     */
    public boolean bootstrap() {
        if (log.lastIndex() != 0 || log.firstIndex() != 1 || role != Role.FOLLOWER) return false;
        long t = Math.max(term, 1);
        if (t != term) {
            term = t;
            votedFor = null;
            hardStateDirty = true;
        }
        log.append(List.of(Entry.config(1, t, self, Configuration.ofVoters(Map.of(self, opt.storageId())))));
        electionElapsed = randomizedElectionTimeout; // the only voter: no reason to wait for anybody
        return true;
    }

    /** Leader only: proposes one membership change. */
    public ProposalResult propose(ConfigChange change) {
        if (role != Role.LEADER) return ProposalResult.NOT_LEADER;
        if (log.term(log.commitIndex()) != term) return ProposalResult.LEADER_NOT_READY;
        if (log.configIndex() > log.commitIndex()) return ProposalResult.CHANGE_IN_PROGRESS;
        Configuration c = log.config(), next;
        if (change instanceof ConfigChange.AddLearner a) {
            if (c.isLearner(a.member(), a.storageId()) || c.isVoter(a.member(), a.storageId()))
                return ProposalResult.INVALID;
            next = c.withLearner(a.member(), a.storageId());
        } else if (change instanceof ConfigChange.Promote p) {
            if (!c.learners().containsKey(p.member())) return ProposalResult.INVALID;
            next = c.withPromoted(p.member());
        } else {
            if (!c.contains(change.member())) return ProposalResult.INVALID;
            next = c.without(change.member());
        }
        if (next.voters().isEmpty()) return ProposalResult.INVALID;
        // A configuration takes effect when appended. One whose voters lack a majority that answers now would stall
        // the cluster for good if those voters never come back (the entry can neither commit nor be dropped while
        // a member holding it refuses to vote for anybody without it): refuse it, the caller tries again later.
        if (!next.voters().equals(c.voters()) && !hasLiveQuorum(next)) return ProposalResult.NO_LIVE_QUORUM;
        log.append(List.of(Entry.config(log.lastIndex() + 1, term, self, next)));
        return ProposalResult.ACCEPTED;
    }

    /** Leader: whether a majority of next's voters (with the storage it names) is answering. */
    private boolean hasLiveQuorum(Configuration next) {
        int live = next.isVoter(self, opt.storageId()) ? 1 : 0;
        for (Map.Entry<String, FollowerProgress> e : progress.entrySet()) {
            FollowerProgress p = e.getValue();
            if ((p.recentlyActive || p.activeAtLastCheck) && next.isVoter(e.getKey(), p.reportedStorage)) live++;
        }
        return live >= next.quorum();
    }

    /**
     * The adapter received a snapshot from the leader. Returns true if the engine adopted it; the adapter must then
     * replace its log and application state by the snapshot before the next call. False means the log already holds
     * what the snapshot would bring (nothing to do).
     */
    public boolean installSnapshot(SnapshotMeta meta) {
        if (role == Role.LEADER) return false;
        if (meta.index() <= log.commitIndex() || log.term(meta.index()) == meta.term()) {
            // We already hold that prefix. Committed entries match every leader's log, and so does our entry at the
            // snapshot's position (same index and term): tell the leader where to continue instead.
            verifiedIndex = Math.max(verifiedIndex, Math.max(log.commitIndex(), Math.min(meta.index(), log.lastIndex())));
            if (log.term(meta.index()) == meta.term() && meta.index() > log.commitIndex()) log.commitTo(meta.index());
            if (leader != null) respondSuccess();
            return false;
        }
        log.resetTo(meta);
        appliedSessions = meta.sessions();
        verifiedIndex = meta.index(); // committed entries match every current and future leader
        if (leader != null) respondSuccess();
        return true;
    }

    /** The engine state matching the applied index, for an application snapshot taken now. */
    public SnapshotMeta snapshotAtApplied() {
        long applied = log.appliedIndex();
        return new SnapshotMeta(applied, log.term(applied), log.configAt(applied), appliedSessions);
    }

    // ------------------------------------------------------------------ output

    /** Collects everything to do since the last call. See {@link Ready} for what the adapter must do with it. */
    public Ready ready() {
        flushSubmissions();
        if (role == Role.LEADER) {
            if (opt.autoMembership()) adjustMembership();
            replicate();
        }
        List<Entry> committed = applyCommitted();
        HardState hs = hardStateDirty ? new HardState(term, votedFor) : null;
        hardStateDirty = false;
        List<PeerMessage> msgs = outbox.isEmpty() ? List.of() : List.copyOf(outbox);
        outbox.clear();
        List<SnapshotNeeded> needs = snapshotNeeds.isEmpty() ? List.of() : List.copyOf(snapshotNeeds);
        snapshotNeeds.clear();
        CatchUpWanted catchUp = catchUpWanted;
        catchUpWanted = null;
        return new Ready(hs, log.takeWrites(), msgs, committed, needs, catchUp, log.appliedIndex() < applyLimit());
    }

    // ------------------------------------------------------------------ observation

    public String memberId() {
        return self;
    }

    public long incarnation() {
        return opt.incarnation();
    }

    public Role role() {
        return role;
    }

    public String leader() {
        return leader;
    }

    public long term() {
        return term;
    }

    public long commitIndex() {
        return log.commitIndex();
    }

    public long appliedIndex() {
        return log.appliedIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long durableIndex() {
        return log.stableIndex();
    }

    public long firstIndex() {
        return log.firstIndex();
    }

    public Configuration config() {
        return log.config();
    }

    public int pendingSubmissions() {
        return own.count();
    }

    public long pendingSubmissionBytes() {
        return own.bytes();
    }

    /** Leader only: the highest index each other member holds durably (0 if unknown), for membership policy. */
    public Map<String, Long> followerMatchIndexes() {
        Map<String, Long> m = new TreeMap<>();
        progress.forEach((k, p) -> m.put(k, p.match));
        return m;
    }

    /** Leader only: the replication state towards each other member, for diagnostics. */
    public String describeFollowers() {
        return progress.toString();
    }

    /** Leader only: members whose reported storage differs from the configuration's (they lost their disk). */
    public Map<String, String> followersWithNewStorage() {
        Map<String, String> m = new TreeMap<>();
        Configuration c = log.config();
        progress.forEach((k, p) -> {
            if (c.contains(k) && p.reportedStorage != null && !p.reportedStorage.equals(c.storageOf(k)))
                m.put(k, p.reportedStorage);
        });
        return m;
    }

    // ------------------------------------------------------------------ elections

    private boolean isSelfVoter() {
        return log.config().isVoter(self, opt.storageId());
    }

    private boolean inLease() {
        return leader != null && electionElapsed < opt.electionTicks();
    }

    private void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = opt.electionTicks() + random.nextInt(opt.electionTicks());
    }

    private void campaign(boolean preVote) {
        resetElectionTimer();
        leader = null;
        votes.clear();
        long campaignTerm;
        if (preVote) {
            role = Role.PRE_CANDIDATE;
            campaignTerm = term + 1;
        } else {
            role = Role.CANDIDATE;
            term++;
            votedFor = self;
            hardStateDirty = true;
            verifiedIndex = 0;
            lastAckedDurable = 0;
            campaignTerm = term;
        }
        votes.put(self, true);
        for (String voter : log.config().voters().keySet())
            if (!voter.equals(self))
                send(new VoteRequest(self, voter, campaignTerm, preVote, log.lastIndex(), log.lastTerm()));
        tallyVotes();
    }

    private boolean grantsVoteTo(VoteRequest r) {
        return opt.has(UnsafeTestMutation.VOTE_FOR_STALE_LOG) || log.isUpToDate(r.lastIndex(), r.lastTerm());
    }

    private void onPreVote(VoteRequest r) {
        boolean granted = r.term() > term && grantsVoteTo(r);
        send(new VoteResponse(self, r.from(), granted ? r.term() : term, true, granted, opt.storageId()));
    }

    private void onVote(VoteRequest r) {
        boolean canVote = r.from().equals(votedFor) || (votedFor == null && leader == null);
        boolean granted = canVote && grantsVoteTo(r);
        if (granted) {
            votedFor = r.from();
            hardStateDirty = true;
            resetElectionTimer();
        }
        send(new VoteResponse(self, r.from(), term, false, granted, opt.storageId()));
    }

    private void onVoteResponse(VoteResponse r) {
        boolean expected = r.preVote() ? role == Role.PRE_CANDIDATE && (r.term() == term + 1 || !r.granted())
                                       : role == Role.CANDIDATE;
        if (!expected) return;
        // Only a voter answering with the storage the configuration knows may count: one that lost its disk may have
        // lost its vote too.
        if (!log.config().isVoter(r.from(), r.storageId())) return;
        votes.putIfAbsent(r.from(), r.granted());
        tallyVotes();
    }

    private void tallyVotes() {
        Configuration c = log.config();
        int granted = 0, rejected = 0;
        for (Map.Entry<String, Boolean> v : votes.entrySet()) {
            if (!c.voters().containsKey(v.getKey())) continue;
            if (v.getValue()) granted++;
            else rejected++;
        }
        if (granted >= c.quorum()) {
            if (role == Role.PRE_CANDIDATE) campaign(false);
            else becomeLeader();
        } else if (rejected > c.voters().size() - c.quorum()) {
            becomeFollower(term, null);
        }
    }

    private void becomeFollower(long newTerm, String newLeader) {
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            hardStateDirty = true;
            verifiedIndex = 0;
            lastAckedDurable = 0;
        }
        role = Role.FOLLOWER;
        setLeader(newLeader);
        progress.clear();
        votes.clear();
        joinRequests.clear();
        leaveRequests.clear();
        absentTicks.clear();
        departed.clear();
        leaderSessions = null;
        resetElectionTimer();
    }

    private void setLeader(String newLeader) {
        if (newLeader != null && !newLeader.equals(leader)) resendAll = true; // a new leader may lack our submissions
        leader = newLeader;
    }

    private void becomeLeader() {
        role = Role.LEADER;
        setLeader(self);
        votes.clear();
        progress.clear();
        heartbeatElapsed = 0;
        quorumCheckElapsed = 0;
        electionElapsed = 0;
        leaderSessions = sessionsAtEndOfLog();
        // An entry of our own term: committing it commits everything before it (Raft section 5.4.2).
        log.append(List.of(Entry.noop(log.lastIndex() + 1, term, self)));
        for (String m : log.config().members())
            if (!m.equals(self)) progress.put(m, new FollowerProgress(log.lastIndex()));
        if (log.config().voters().size() == 1) maybeCommit();
    }

    /** The de-duplication state for the whole log: the applied state plus the entries after it. */
    private SessionTable sessionsAtEndOfLog() {
        SessionTable t = appliedSessions.copy();
        long last = log.lastIndex();
        for (long i = log.appliedIndex() + 1; i <= last; ) {
            List<Entry> chunk = log.entries(i, last, opt.maxApplyBytes());
            for (Entry e : chunk) t.record(e);
            i += chunk.size();
        }
        return t;
    }

    private void checkQuorum() {
        Configuration c = log.config();
        int active = isSelfVoter() ? 1 : 0;
        for (Map.Entry<String, FollowerProgress> e : progress.entrySet()) {
            if (e.getValue().recentlyActive && c.isVoter(e.getKey(), e.getValue().reportedStorage)) active++;
            e.getValue().activeAtLastCheck = e.getValue().recentlyActive;
            e.getValue().recentlyActive = false;
        }
        if (active < c.quorum()) becomeFollower(term, null); // cut off from a majority: stop accepting submissions
        else electionElapsed = 0;
    }

    // ------------------------------------------------------------------ replication: follower side

    private void onAppend(AppendRequest a) {
        if (role == Role.LEADER)
            throw new IllegalStateException(self + " is leader of term " + term + " and got an append from "
                                            + a.from() + " for the same term: two leaders in one term");
        if (role != Role.FOLLOWER) becomeFollower(term, a.from());
        else if (leader == null) setLeader(a.from());
        electionElapsed = 0;
        leaderCommitSeen = Math.max(leaderCommitSeen, a.commitIndex());
        maybeStartBulkCatchUp();
        if (a.prevIndex() < 0) { // pure heartbeat: we know nothing new about our position
            respondSuccess();
            return;
        }
        long prevIndex = a.prevIndex(), prevTerm = a.prevTerm();
        List<Entry> entries = a.entries();
        long base = log.firstIndex() - 1;
        if (prevIndex < base) { // the start is covered by our snapshot, hence committed, hence matching
            int skip = (int) Math.min(entries.size(), base - prevIndex);
            entries = entries.subList(skip, entries.size());
            prevIndex = base;
            prevTerm = log.term(base);
        }
        if (!log.matches(prevIndex, prevTerm)) {
            long hint = log.probeHint(prevIndex, prevTerm);
            send(new AppendResponse(self, a.from(), term, false, verifiedIndex, durableAck(), a.prevIndex(), hint,
                                    opt.storageId(), bulkActive));
            return;
        }
        long lastOfMessage = prevIndex + entries.size();
        log.appendVerified(entries);
        verifiedIndex = Math.max(verifiedIndex, lastOfMessage);
        long newCommit = Math.min(a.commitIndex(), verifiedIndex);
        if (newCommit > log.commitIndex()) log.commitTo(newCommit);
        // Entries not yet on disk are acknowledged when storage reports them durable (see persisted()).
        if (entries.isEmpty() || lastOfMessage <= log.stableIndex() || opt.has(UnsafeTestMutation.ACK_BEFORE_DURABLE))
            respondSuccess();
    }

    /** The highest index both on our disk and known to match the leader: the only thing that may count for commit. */
    private long durableAck() {
        if (opt.has(UnsafeTestMutation.ACK_BEFORE_DURABLE)) return verifiedIndex;
        return Math.min(log.stableIndex(), verifiedIndex);
    }

    private void respondSuccess() {
        long durable = durableAck();
        lastAckedDurable = Math.max(lastAckedDurable, durable);
        send(new AppendResponse(self, leader, term, true, verifiedIndex, durable, 0, 0, opt.storageId(), bulkActive));
    }

    // ------------------------------------------------------------------ replication: leader side

    private void onAppendResponse(AppendResponse r) {
        if (role != Role.LEADER) return;
        FollowerProgress p = progress.get(r.from());
        if (p == null) return;
        if (p.reportedStorage != null && !p.reportedStorage.equals(r.storageId())) {
            // The follower came back with a different disk: nothing we knew about its log holds any more.
            p = new FollowerProgress(log.lastIndex() + 1);
            progress.put(r.from(), p);
        }
        p.reportedStorage = r.storageId();
        p.recentlyActive = true;
        if (!r.success()) {
            if (r.catchingUp() && p.state != FollowerProgress.State.SNAPSHOT) {
                p.enterBulk();
                return;
            }
            // Durable entries do not vanish from the same disk, so a rejection at or below match is stale. Above it,
            // the follower may have lost entries it had accepted but not yet made durable (it restarted).
            if (p.state == FollowerProgress.State.SNAPSHOT || r.rejectedIndex() < 0 || r.rejectedIndex() <= p.match)
                return;
            p.forgetAcceptedAbove(r.rejectedIndex() - 1);
            p.probeAt(Math.min(r.rejectedIndex(), r.hintIndex() + 1));
            return;
        }
        p.acknowledge(r.acceptedIndex());
        if (Objects.equals(r.storageId(), log.config().storageOf(r.from())) && r.durableIndex() > p.match)
            p.match = r.durableIndex();
        if (r.catchingUp()) {
            if (p.state != FollowerProgress.State.SNAPSHOT) p.enterBulk();
        } else if (p.state == FollowerProgress.State.PROBE || p.state == FollowerProgress.State.BULK
                   || (p.state == FollowerProgress.State.SNAPSHOT && p.accepted >= log.firstIndex() - 1)) {
            p.becomeReplicate();
        }
        maybeCommit();
    }

    private void maybeCommit() {
        Configuration c = log.config();
        long[] durable = new long[c.voters().size()];
        int n = 0;
        for (Map.Entry<String, String> v : c.voters().entrySet()) {
            if (v.getKey().equals(self)) {
                durable[n++] = v.getValue().equals(opt.storageId()) ? log.stableIndex() : 0;
            } else {
                FollowerProgress p = progress.get(v.getKey());
                durable[n++] = p != null && v.getValue().equals(p.reportedStorage) ? p.match : 0;
            }
        }
        Arrays.sort(durable);
        long candidate = opt.has(UnsafeTestMutation.COMMIT_WITHOUT_MAJORITY) ? log.stableIndex()
                                                                              : durable[durable.length - c.quorum()];
        // Only an entry of the current term is committed by counting replicas (Raft section 5.4.2, Figure 8).
        if (candidate > log.commitIndex() && log.term(candidate) == term) log.commitTo(candidate);
    }

    private void replicate() {
        Set<String> targets = replicationTargets();
        progress.keySet().retainAll(targets);
        for (String m : targets) {
            if (m.equals(self)) continue;
            FollowerProgress p = progress.computeIfAbsent(m, k -> new FollowerProgress(log.lastIndex() + 1));
            sendAppends(m, p);
            Long removedAt = departed.get(m);
            if (removedAt != null && p.accepted >= removedAt && p.sentCommit >= removedAt) departed.remove(m);
        }
    }

    /**
     * Everyone the leader replicates to. Members removed by an uncommitted change still get the log, so that they
     * learn of their removal; so do departed members until they know it. Rebuilt only when one of its inputs changed
     * (this runs on every Ready).
     */
    private Set<String> replicationTargets() {
        Configuration newest = log.config(), committed = log.configAt(log.commitIndex());
        if (newest != targetsNewest || committed != targetsCommitted || !departed.isEmpty() || !targetsWithoutDeparted) {
            Set<String> t = new TreeSet<>(newest.members());
            t.addAll(committed.members());
            t.addAll(departed.keySet());
            targets = t;
            targetsNewest = newest;
            targetsCommitted = committed;
            targetsWithoutDeparted = departed.isEmpty(); // with departed members: rebuilt every time (rare, short)
        }
        return targets;
    }

    private void sendAppends(String follower, FollowerProgress p) {
        boolean sent = false;
        long last = log.lastIndex();
        while (p.canSend(opt.maxInflightAppends()) && p.next <= last) {
            long prev = p.next - 1, prevTerm = log.term(prev);
            if (prevTerm < 0) {
                p.state = FollowerProgress.State.SNAPSHOT;
                p.ticksInSnapshot = 0;
                snapshotNeeds.add(new SnapshotNeeded(follower, p.next, log.firstIndex() - 1));
                return;
            }
            List<Entry> entries = log.entries(p.next, last, opt.maxAppendBytes());
            send(new AppendRequest(self, follower, term, prev, prevTerm, entries, log.commitIndex()));
            p.sentCommit = log.commitIndex();
            p.next = entries.get(entries.size() - 1).index() + 1;
            if (p.state == FollowerProgress.State.REPLICATE) p.inflight.addLast(p.next - 1);
            else p.probeOutstanding = true;
            sent = true;
        }
        if (!sent && p.sentCommit < log.commitIndex() && p.state != FollowerProgress.State.SNAPSHOT)
            sendPositionedEmptyAppend(follower, p);
    }

    /** An empty append anchored at the follower's last known matching index: carries the commit index, cannot fail. */
    private void sendPositionedEmptyAppend(String follower, FollowerProgress p) {
        long anchorTerm = log.term(p.accepted);
        long prev = anchorTerm >= 0 ? p.accepted : -1;
        send(new AppendRequest(self, follower, term, prev, Math.max(anchorTerm, 0), List.of(), log.commitIndex()));
        p.sentCommit = log.commitIndex();
    }

    private void heartbeat() {
        for (Map.Entry<String, FollowerProgress> e : progress.entrySet()) {
            FollowerProgress p = e.getValue();
            switch (p.state) {
                case PROBE -> p.probeOutstanding = false; // a lost probe is retried
                case REPLICATE -> {
                    // Entries sent but no progress for two rounds: an append was lost; restart after the known match.
                    if (p.next - 1 > p.accepted && p.accepted == p.acceptedAtLastHeartbeat) {
                        if (++p.stalledRounds >= 2) p.probeAt(p.accepted + 1);
                    } else {
                        p.stalledRounds = 0;
                    }
                    p.acceptedAtLastHeartbeat = p.accepted;
                }
                case SNAPSHOT -> {
                    if (++p.ticksInSnapshot >= 20) p.probeAt(p.accepted + 1); // transfer failed? ask again
                }
                case BULK -> {
                    // the follower fetches from others; the anchored heartbeat below keeps it informed
                }
            }
            sendPositionedEmptyAppend(e.getKey(), p);
        }
    }

    // ------------------------------------------------------------------ bulk catch-up (recovery layer hooks)

    private void maybeStartBulkCatchUp() {
        int threshold = opt.bulkCatchUpEntries();
        if (threshold == 0 || role == Role.LEADER || leader == null) return;
        long behind = leaderCommitSeen - log.lastIndex();
        if (!bulkActive && behind > threshold && bulkBackoff == 0) {
            bulkActive = true;
            bulkElapsed = 0;
            bulkProgressMark = log.commitIndex();
            requestCatchUp();
        } else if (bulkActive && behind <= threshold / 2) {
            bulkActive = false; // close enough: the leader's stream takes over
        }
    }

    private void requestCatchUp() {
        catchUpWanted = new CatchUpWanted(log.commitIndex() + 1, leaderCommitSeen, leader);
    }

    /**
     * Serves a bulk catch-up: committed entries from index from on, about maxBytes of them. Empty if this member has
     * not committed that far or compacted it away (the requester then asks another member).
     */
    public List<Entry> readCommitted(long from, long maxBytes) {
        if (from < log.firstIndex() || from > log.commitIndex()) return List.of();
        return log.entries(from, log.commitIndex(), maxBytes);
    }

    /**
     * Hands in committed entries fetched from another member (any member: committed entries are the same
     * everywhere). They must continue this member's commit index; anything else is ignored. Returns the next index
     * to fetch, or -1 once close enough to the leader for its stream to take over.
     */
    public long installCommitted(List<Entry> entries) {
        if (role == Role.LEADER) return -1;
        int skip = 0;
        while (skip < entries.size() && entries.get(skip).index() <= log.commitIndex()) skip++;
        List<Entry> fresh = entries.subList(skip, entries.size());
        if (!fresh.isEmpty() && fresh.get(0).index() == log.commitIndex() + 1) {
            // Our entry at the commit index is committed, so it matches: these continue it like a verified append.
            log.appendVerified(fresh);
            long last = fresh.get(fresh.size() - 1).index();
            log.commitTo(last);
            verifiedIndex = Math.max(verifiedIndex, last);
            leaderCommitSeen = Math.max(leaderCommitSeen, last);
        }
        maybeStartBulkCatchUp();
        return bulkActive ? log.commitIndex() + 1 : -1;
    }

    /**
     * No member could serve the committed history from our commit index (e.g. every source compacted it): stop the
     * bulk catch-up for a while and let the leader's stream (or its snapshot transfer) bring us up to date.
     */
    public void abandonCatchUp() {
        if (!bulkActive) return;
        bulkActive = false;
        bulkBackoff = 10 * opt.electionTicks();
        if (leader != null) respondSuccess(); // tell the leader at once that it must stream again
    }

    /** True while this member fetches history in bulk. */
    public boolean catchingUp() {
        return bulkActive;
    }

    // ------------------------------------------------------------------ automatic membership

    private boolean isMemberWithOwnStorage() {
        return opt.storageId().equals(log.config().storageOf(self));
    }

    /** Not in the configuration with our current disk: ask the leader, or everybody we see, to add us. */
    private void askToJoin() {
        Set<String> targets = new TreeSet<>();
        if (leader != null && !leader.equals(self)) targets.add(leader);
        else targets.addAll(hintedMembers);
        targets.addAll(log.config().members());
        targets.remove(self);
        for (String t : targets) send(new JoinRequest(self, t, term, opt.storageId()));
    }

    /**
     * The leader's membership policy, one change at a time: add members that asked to join or came back with a new
     * disk as learners, then promote learners that caught up. Removal (leave, faulty) is decided outside.
     */
    private void adjustMembership() {
        if (log.term(log.commitIndex()) != term || log.configIndex() > log.commitIndex()) return;
        Configuration c = log.config();
        leaveRequests.removeIf(m -> !c.contains(m));
        if (leaving && c.contains(self)) leaveRequests.add(self);
        for (String m : leaveRequests)
            if (propose(new ConfigChange.Remove(m)) == ProposalResult.ACCEPTED) return;
        if (opt.faultTicks() > 0)
            for (Map.Entry<String, Integer> a : absentTicks.entrySet())
                if (a.getValue() >= opt.faultTicks() && c.contains(a.getKey()) && !a.getKey().equals(self)
                    && (!c.voters().containsKey(a.getKey()) || c.voters().size() > opt.minVoters())
                    && propose(new ConfigChange.Remove(a.getKey())) == ProposalResult.ACCEPTED) {
                    absentTicks.remove(a.getKey());
                    return;
                }
        joinRequests.entrySet().removeIf(j -> j.getValue().equals(c.storageOf(j.getKey())));
        for (Map.Entry<String, String> j : joinRequests.entrySet())
            if (propose(new ConfigChange.AddLearner(j.getKey(), j.getValue())) == ProposalResult.ACCEPTED) {
                joinRequests.remove(j.getKey()); // handled: a member still outside asks again
                return;
            }
        if (anyFollowerWithNewStorage(c))
            for (Map.Entry<String, String> f : followersWithNewStorage().entrySet())
                if (propose(new ConfigChange.AddLearner(f.getKey(), f.getValue())) == ProposalResult.ACCEPTED) return;
        for (Map.Entry<String, String> l : c.learners().entrySet()) {
            FollowerProgress p = progress.get(l.getKey());
            // Promote only a learner that is caught up and answering now (not one that went quiet).
            if (p != null && l.getValue().equals(p.reportedStorage) && p.recentlyActive
                && p.match >= log.lastIndex() - opt.promoteLagEntries()
                && propose(new ConfigChange.Promote(l.getKey())) == ProposalResult.ACCEPTED) return;
        }
    }

    /** The cheap test for {@link #followersWithNewStorage()} (which allocates), on every Ready. */
    private boolean anyFollowerWithNewStorage(Configuration c) {
        for (Map.Entry<String, FollowerProgress> e : progress.entrySet()) {
            String reported = e.getValue().reportedStorage;
            if (reported != null && c.contains(e.getKey()) && !reported.equals(c.storageOf(e.getKey()))) return true;
        }
        return false;
    }

    /** Leader: counts, per member of the configuration, the ticks it has been missing from the hints. */
    private void countAbsences() {
        if (hintedMembers.isEmpty()) return; // no membership service: never declare anyone faulty
        for (String m : log.config().members()) {
            if (hintedMembers.contains(m)) absentTicks.remove(m);
            else absentTicks.merge(m, 1, Integer::sum);
        }
        absentTicks.keySet().retainAll(log.config().members());
    }

    /**
     * This member is shutting down: have it removed from the configuration (a leader removes itself, then steps
     * down). Poll {@link #hasLeft()} to know when the removal is committed. Removal may be refused at the minimum
     * size of a quorum; the caller bounds the wait.
     */
    public void leave() {
        leaving = true;
    }

    /**
     * True once the newest configuration in this member's log excludes it and is committed. (The newest in the log,
     * not the one at the commit index: a member re-added after an earlier removal may not know yet that the re-add
     * committed, but it already holds the re-add entry.)
     */
    public boolean hasLeft() {
        return !log.config().contains(self) && log.configIndex() <= log.commitIndex();
    }

    // ------------------------------------------------------------------ submissions

    private void flushSubmissions() {
        if (leader == null || (!resendAll && !own.hasUnsent())) return;
        List<Submission> batch = resendAll ? own.takeAll() : own.takeUnsent();
        resendAll = false;
        if (role == Role.LEADER) {
            for (Submission s : batch) appendSubmission(self, opt.incarnation(), s.sequence(), s.payload());
            return;
        }
        List<Submission> chunk = new ArrayList<>();
        long bytes = 0;
        for (Submission s : batch) {
            if (!chunk.isEmpty() && bytes + s.payload().length > opt.maxAppendBytes()) {
                send(new ForwardRequest(self, leader, term, opt.incarnation(), chunk));
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(s);
            bytes += s.payload().length;
        }
        if (!chunk.isEmpty()) send(new ForwardRequest(self, leader, term, opt.incarnation(), chunk));
    }

    private void onForward(ForwardRequest f) {
        if (role != Role.LEADER) return; // the origin resends to the leader it learns of
        for (Submission s : f.submissions()) appendSubmission(f.from(), f.incarnation(), s.sequence(), s.payload());
    }

    private void appendSubmission(String origin, long incarnation, long sequence, byte[] payload) {
        SessionTable.Verdict v = leaderSessions.check(origin, incarnation, sequence);
        if (v != SessionTable.Verdict.APPEND
            && !(opt.has(UnsafeTestMutation.NO_DEDUPLICATION) && v == SessionTable.Verdict.DUPLICATE)) return;
        log.append(List.of(new Entry(log.lastIndex() + 1, term, EntryType.DATA, origin, incarnation, sequence, payload)));
        leaderSessions.record(origin, incarnation, sequence);
    }

    // ------------------------------------------------------------------ apply

    private long applyLimit() {
        // The mutation delivers what is merely received; the real engine never goes past the commit index.
        return opt.has(UnsafeTestMutation.DELIVER_BEFORE_COMMIT) ? log.lastIndex() : log.commitIndex();
    }

    private List<Entry> applyCommitted() {
        long limit = applyLimit();
        if (log.appliedIndex() >= limit) return List.of();
        List<Entry> entries = log.entries(log.appliedIndex() + 1, limit, opt.maxApplyBytes());
        for (Entry e : entries) {
            appliedSessions.record(e);
            if (e.type() == EntryType.DATA && e.origin().equals(self) && e.incarnation() == opt.incarnation())
                own.committedUpTo(e.sequence());
            if (e.type() == EntryType.CONFIG && role == Role.LEADER) {
                Configuration c = e.configuration();
                for (String m : log.configAt(e.index() - 1).members())
                    if (!c.contains(m) && !m.equals(self)) departed.put(m, e.index());
                if (!c.isVoter(self, opt.storageId()))
                    becomeFollower(term, null); // removed from the configuration, and that is now committed: step down
            }
        }
        log.appliedTo(entries.get(entries.size() - 1).index(), opt.has(UnsafeTestMutation.DELIVER_BEFORE_COMMIT));
        return entries;
    }

    private void send(PeerMessage m) {
        if (m.to() != null) outbox.add(m);
    }

    @Override
    public String toString() {
        return self + "[" + role + " term=" + term + " leader=" + leader + " last=" + log.lastIndex() + " durable="
            + log.stableIndex() + " commit=" + log.commitIndex() + " applied=" + log.appliedIndex() + "]";
    }
}
