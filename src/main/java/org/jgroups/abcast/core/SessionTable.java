package org.jgroups.abcast.core;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The de-duplication state: for every member, the newest process life (incarnation) seen and the highest submission
 * sequence of that life in the log. The leader appends a submission only if it is the next one of its life, so every
 * (origin, incarnation, sequence) is in the log at most once however often it is resent, and each member's submissions
 * keep their FIFO order. One record per member id keeps the table bounded by the number of members ever seen.
 */
public final class SessionTable {

    /** What the leader should do with a submission. */
    public enum Verdict {
        /** The next submission of that member's life: append it. */
        APPEND,
        /** Already in the log: drop it. */
        DUPLICATE,
        /** An earlier submission of that life is missing: drop it; the member resends in order. */
        GAP,
        /** From an older life of the member, whose process has restarted since: drop it. */
        STALE
    }

    /** Mutable, so that recording the next submission of a life (the hot path) allocates nothing. */
    private static final class Session {
        long incarnation, lastSequence;

        Session(long incarnation, long lastSequence) {
            this.incarnation = incarnation;
            this.lastSequence = lastSequence;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Session s && s.incarnation == incarnation && s.lastSequence == lastSequence;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(incarnation) * 31 + Long.hashCode(lastSequence);
        }

        @Override
        public String toString() {
            return "Session[incarnation=" + incarnation + ", lastSequence=" + lastSequence + "]";
        }
    }

    /** Looked up by member id on every submission and every applied entry: a hash map; sorted only to encode. */
    private final Map<String, Session> sessions = new HashMap<>();

    public Verdict check(String member, long incarnation, long sequence) {
        Session s = sessions.get(member);
        long expectedIncarnationSeq = 1;
        if (s != null) {
            if (incarnation < s.incarnation) return Verdict.STALE;
            if (incarnation == s.incarnation) expectedIncarnationSeq = s.lastSequence + 1;
        }
        if (sequence < expectedIncarnationSeq) return Verdict.DUPLICATE;
        return sequence == expectedIncarnationSeq ? Verdict.APPEND : Verdict.GAP;
    }

    /** Records that (member, incarnation, sequence) is in the log. */
    public void record(String member, long incarnation, long sequence) {
        Session s = sessions.get(member);
        if (s == null) {
            sessions.put(member, new Session(incarnation, sequence));
        } else if (incarnation > s.incarnation || (incarnation == s.incarnation && sequence > s.lastSequence)) {
            s.incarnation = incarnation;
            s.lastSequence = sequence;
        }
    }

    /** Applies a log entry: DATA entries advance their origin's session. */
    public void record(Entry e) {
        if (e.type() == EntryType.DATA) record(e.origin(), e.incarnation(), e.sequence());
    }

    public SessionTable copy() {
        SessionTable t = new SessionTable();
        sessions.forEach((m, s) -> t.sessions.put(m, new Session(s.incarnation, s.lastSequence)));
        return t;
    }

    public int size() {
        return sessions.size();
    }

    /** Deterministic: members in sorted order, so equal tables encode to equal bytes. */
    public byte[] encode() {
        Codec.Writer w = new Codec.Writer(16 + sessions.size() * 32);
        w.writeInt(sessions.size());
        new TreeMap<>(sessions).forEach((m, s) -> w.writeString(m).writeLong(s.incarnation).writeLong(s.lastSequence));
        return w.toByteArray();
    }

    public static SessionTable decode(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        int n = r.readInt();
        if (n < 0) throw new Codec.MalformedException("bad session count " + n);
        SessionTable t = new SessionTable();
        for (int i = 0; i < n; i++) {
            String member = r.readString();
            if (member == null) throw new Codec.MalformedException("session without a member id");
            t.sessions.put(member, new Session(r.readLong(), r.readLong()));
        }
        r.expectEnd();
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionTable t && sessions.equals(t.sessions);
    }

    @Override
    public int hashCode() {
        return sessions.hashCode();
    }

    @Override
    public String toString() {
        return new TreeMap<>(sessions).toString();
    }
}
