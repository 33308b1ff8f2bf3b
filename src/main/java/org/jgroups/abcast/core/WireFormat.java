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
import java.util.List;

/**
 * Binary encoding of peer messages (for the network) and of entries (for the log). Every message starts with a
 * version byte so that a future format can be told apart; anything that does not decode cleanly raises
 * {@link Codec.MalformedException}, which adapters count and drop.
 */
public final class WireFormat {
    public static final int VERSION = 1;

    private static final int VOTE_REQUEST = 1, VOTE_RESPONSE = 2, APPEND_REQUEST = 3, APPEND_RESPONSE = 4,
        FORWARD_REQUEST = 5, JOIN_REQUEST = 6, LEAVE_REQUEST = 7;

    /** Upper bound on list lengths accepted from the wire, so garbage cannot make us allocate gigabytes. */
    private static final int MAX_ITEMS = 10_000_000;

    private WireFormat() {
    }

    public static byte[] encode(PeerMessage m) {
        Codec.Writer w = new Codec.Writer(encodedSize(m));
        w.writeByte(VERSION);
        if (m instanceof VoteRequest v) {
            header(w, VOTE_REQUEST, m);
            w.writeByte(v.preVote() ? 1 : 0).writeLong(v.lastIndex()).writeLong(v.lastTerm());
        } else if (m instanceof VoteResponse v) {
            header(w, VOTE_RESPONSE, m);
            w.writeByte((v.preVote() ? 1 : 0) | (v.granted() ? 2 : 0)).writeString(v.storageId());
        } else if (m instanceof AppendRequest a) {
            appendHeader(w, a);
            for (Entry e : a.entries()) writeEntry(w, e);
        } else if (m instanceof AppendResponse r) {
            header(w, APPEND_RESPONSE, m);
            w.writeByte((r.success() ? 1 : 0) | (r.catchingUp() ? 2 : 0)).writeLong(r.acceptedIndex()).writeLong(r.durableIndex())
                .writeLong(r.rejectedIndex()).writeLong(r.hintIndex()).writeString(r.storageId());
        } else if (m instanceof ForwardRequest f) {
            header(w, FORWARD_REQUEST, m);
            w.writeLong(f.incarnation()).writeInt(f.submissions().size());
            for (Submission s : f.submissions()) w.writeLong(s.sequence()).writeBytes(s.payload());
        } else if (m instanceof JoinRequest j) {
            header(w, JOIN_REQUEST, m);
            w.writeString(j.storageId());
        } else if (m instanceof LeaveRequest) {
            header(w, LEAVE_REQUEST, m);
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        return w.toByteArray();
    }

    /**
     * The append without an addressee ("to" empty): the same bytes for every follower at the same position, so the
     * leader encodes them once and sends them to all of those. The receiving adapter takes itself as the addressee
     * ({@link #addressedTo}): which follower a JGroups unicast reaches is the transport's business, and an append is
     * checked against the receiver's own log whoever receives it.
     */
    public static AppendRequest unaddressed(AppendRequest a) {
        return new AppendRequest(a.from(), "", a.term(), a.prevIndex(), a.prevTerm(), a.entries(), a.commitIndex());
    }

    /** A decoded message addressed to member: an unaddressed append gets member as its addressee. */
    public static PeerMessage addressedTo(PeerMessage m, String member) {
        if (m instanceof AppendRequest a && a.to().isEmpty())
            return new AppendRequest(a.from(), member, a.term(), a.prevIndex(), a.prevTerm(), a.entries(), a.commitIndex());
        return m;
    }

    public static PeerMessage decode(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        int version = r.readByte();
        if (version != VERSION) throw new Codec.MalformedException("unsupported wire format version " + version);
        int type = r.readByte();
        String from = requireNonNull(r.readString(), "from"), to = requireNonNull(r.readString(), "to");
        long term = r.readLong();
        PeerMessage m = switch (type) {
            case VOTE_REQUEST -> new VoteRequest(from, to, term, r.readByte() == 1, r.readLong(), r.readLong());
            case VOTE_RESPONSE -> {
                int flags = r.readByte();
                yield new VoteResponse(from, to, term, (flags & 1) != 0, (flags & 2) != 0, r.readString());
            }
            case APPEND_REQUEST -> {
                long prevIndex = r.readLong(), prevTerm = r.readLong(), commit = r.readLong();
                int n = count(r.readInt());
                List<Entry> entries = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) entries.add(readEntry(r));
                yield new AppendRequest(from, to, term, prevIndex, prevTerm, entries, commit);
            }
            case APPEND_RESPONSE -> {
                int flags = r.readByte();
                yield new AppendResponse(from, to, term, (flags & 1) != 0, r.readLong(), r.readLong(), r.readLong(),
                                         r.readLong(), r.readString(), (flags & 2) != 0);
            }
            case FORWARD_REQUEST -> {
                long incarnation = r.readLong();
                int n = count(r.readInt());
                List<Submission> subs = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) subs.add(new Submission(r.readLong(), r.readBytes()));
                yield new ForwardRequest(from, to, term, incarnation, subs);
            }
            case JOIN_REQUEST -> new JoinRequest(from, to, term, r.readString());
            case LEAVE_REQUEST -> new LeaveRequest(from, to, term);
            default -> throw new Codec.MalformedException("unknown message type " + type);
        };
        r.expectEnd();
        return m;
    }

    /** A chunk of entries, as the recovery layer ships them between members. */
    public static byte[] encodeEntries(List<Entry> entries) {
        int size = 5;
        for (Entry e : entries) size += entrySize(e);
        Codec.Writer w = new Codec.Writer(size);
        w.writeByte(VERSION).writeInt(entries.size());
        for (Entry e : entries) writeEntry(w, e);
        return w.toByteArray();
    }

    public static List<Entry> decodeEntries(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        int version = r.readByte();
        if (version != VERSION) throw new Codec.MalformedException("unsupported entries format version " + version);
        int n = count(r.readInt());
        List<Entry> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(readEntry(r));
        r.expectEnd();
        return out;
    }

    /** The log record payload of an entry (index and term are framed by the log itself). */
    public static byte[] encodeEntryBody(Entry e) {
        Codec.Writer w = new Codec.Writer(entryBodySize(e));
        w.writeByte(e.type().ordinal()).writeString(e.origin()).writeLong(e.incarnation()).writeLong(e.sequence())
            .writeBytes(e.payload());
        return w.toByteArray();
    }

    public static Entry decodeEntryBody(long index, long term, byte[] body) {
        Codec.Reader r = new Codec.Reader(body);
        Entry e;
        try {
            e = new Entry(index, term, EntryType.ofOrdinal(r.readByte()), requireNonNull(r.readString(), "origin"),
                          r.readLong(), r.readLong(), r.readBytes());
        } catch (IllegalArgumentException ex) {
            throw new Codec.MalformedException("bad entry " + index + ": " + ex.getMessage());
        }
        r.expectEnd();
        return e;
    }

    private static void header(Codec.Writer w, int type, PeerMessage m) {
        w.writeByte(type).writeString(m.from()).writeString(m.to()).writeLong(m.term());
    }

    private static int headerSize(PeerMessage m) {
        return 1 + Codec.stringSize(m.from()) + Codec.stringSize(m.to()) + 8;
    }

    /** Everything of an append before its entries. */
    private static void appendHeader(Codec.Writer w, AppendRequest a) {
        header(w, APPEND_REQUEST, a);
        w.writeLong(a.prevIndex()).writeLong(a.prevTerm()).writeLong(a.commitIndex()).writeInt(a.entries().size());
    }

    private static int appendHeaderSize(AppendRequest a) {
        return headerSize(a) + 28;
    }

    /** The exact size of {@link #encode}'s result (a smaller or larger guess would only cost a copy). */
    private static int encodedSize(PeerMessage m) {
        int n = 1 + headerSize(m);
        if (m instanceof VoteRequest) return n + 17;
        if (m instanceof VoteResponse v) return n + 1 + Codec.stringSize(v.storageId());
        if (m instanceof AppendRequest a) {
            n += 28;
            for (Entry e : a.entries()) n += entrySize(e);
            return n;
        }
        if (m instanceof AppendResponse r) return n + 33 + Codec.stringSize(r.storageId());
        if (m instanceof ForwardRequest f) {
            n += 12;
            for (Submission s : f.submissions()) n += 12 + s.payload().length;
            return n;
        }
        if (m instanceof JoinRequest j) return n + Codec.stringSize(j.storageId());
        return n;
    }

    private static void writeEntry(Codec.Writer w, Entry e) {
        w.writeLong(e.index()).writeLong(e.term()).writeByte(e.type().ordinal()).writeString(e.origin())
            .writeLong(e.incarnation()).writeLong(e.sequence()).writeBytes(e.payload());
    }

    private static int entrySize(Entry e) {
        return 16 + entryBodySize(e);
    }

    private static int entryBodySize(Entry e) {
        return 1 + Codec.stringSize(e.origin()) + 16 + 4 + e.payload().length;
    }

    private static Entry readEntry(Codec.Reader r) {
        long index = r.readLong(), term = r.readLong();
        try {
            return new Entry(index, term, EntryType.ofOrdinal(r.readByte()), requireNonNull(r.readString(), "origin"),
                             r.readLong(), r.readLong(), r.readBytes());
        } catch (IllegalArgumentException e) {
            throw new Codec.MalformedException("bad entry: " + e.getMessage());
        }
    }

    private static int count(int n) {
        if (n < 0 || n > MAX_ITEMS) throw new Codec.MalformedException("bad item count " + n);
        return n;
    }

    private static String requireNonNull(String s, String what) {
        if (s == null) throw new Codec.MalformedException(what + " missing");
        return s;
    }
}
