package org.jgroups.protocols.abcast;

import org.jgroups.Header;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The header of {@link ABCAST}. One class for three uses, told apart by {@link #type()}:
 * <ul>
 *   <li>{@link #PEER}: a unicast carrying one encoded replica message as payload; {@link #member()} is the sender's
 *       member id (every peer message teaches the receiver the sender's current address) and {@link #cluster()} the
 *       id of the cluster the sender belongs to (null: none yet), so that two clusters sharing a name never mix;</li>
 *   <li>{@link #ANNOUNCE}: a small message telling the others which member id this address has, whether its replica
 *       runs ({@link #started()}) and to which cluster it belongs;</li>
 *   <li>{@link #ORDERED}: put by ABCAST on every message it delivers: the message's position in the total order
 *       ({@link #index()}), the term of the leader that ordered it and the origin's member id. It never travels on
 *       the wire as such: one arriving from the network is foreign and dropped.</li>
 * </ul>
 *
 * <p>Wire format: an unsigned short length, then that many bytes: version, type and the type's fields. The length
 * prefix lets a receiver skip a header of a version or type it does not know: such a header is read as
 * {@link #INVALID} and the layer drops the message and counts it, instead of misreading the rest of the message.
 */
public final class AbcastHeader extends Header {
    /** Magic number of this class in {@link org.jgroups.conf.ClassConfigurator}; see docs/abcast.md. */
    public static final short MAGIC_ID = 1571;

    public static final byte INVALID = 0;
    public static final byte PEER = 1;
    public static final byte ANNOUNCE = 2;
    public static final byte ORDERED = 3;

    static final byte VERSION = 1;
    static final int MAX_MEMBER_ID_BYTES = 1024;

    private byte type;
    private String member;          // PEER, ANNOUNCE: sender's member id; ORDERED: origin's member id
    private boolean replyWanted;    // ANNOUNCE: the sender is new and wants everybody's announcement back
    private boolean started;        // ANNOUNCE: the sender's replica is open, so cluster is known (null: none yet)
    private String cluster;         // PEER, ANNOUNCE: the id of the sender's cluster, null if it belongs to none
    private long index;             // ORDERED
    private long term;              // ORDERED
    private byte[] body;            // encoded form (cached), without the length prefix

    public AbcastHeader() {
    }

    private AbcastHeader(byte type, String member, boolean replyWanted, long index, long term) {
        this.type = type;
        this.member = member;
        this.replyWanted = replyWanted;
        this.index = index;
        this.term = term;
    }

    public static AbcastHeader peer(String senderMemberId) {
        return peer(senderMemberId, null);
    }

    public static AbcastHeader peer(String senderMemberId, String cluster) {
        AbcastHeader h = new AbcastHeader(PEER, checkMember(senderMemberId), false, 0, 0);
        h.cluster = checkCluster(cluster);
        return h;
    }

    public static AbcastHeader announce(String memberId, boolean replyWanted) {
        return new AbcastHeader(ANNOUNCE, checkMember(memberId), replyWanted, 0, 0);
    }

    public static AbcastHeader announce(String memberId, boolean replyWanted, boolean started, String cluster) {
        AbcastHeader h = new AbcastHeader(ANNOUNCE, checkMember(memberId), replyWanted, 0, 0);
        h.started = started;
        h.cluster = checkCluster(cluster);
        return h;
    }

    private static String checkCluster(String c) {
        if (c != null && (c.isEmpty() || c.getBytes(StandardCharsets.UTF_8).length > MAX_MEMBER_ID_BYTES))
            throw new IllegalArgumentException("bad cluster id: '" + c + "'");
        return c;
    }

    public static AbcastHeader ordered(long index, long term, String origin) {
        if (index < 1 || term < 1) throw new IllegalArgumentException("index and term must be >= 1");
        return new AbcastHeader(ORDERED, checkMember(origin), false, index, term);
    }

    private static String checkMember(String m) {
        if (m == null || m.isEmpty()) throw new IllegalArgumentException("member id must not be empty");
        if (m.getBytes(StandardCharsets.UTF_8).length > MAX_MEMBER_ID_BYTES)
            throw new IllegalArgumentException("member id longer than " + MAX_MEMBER_ID_BYTES + " bytes");
        return m;
    }

    public byte type() {
        return type;
    }

    public boolean isValid() {
        return type != INVALID;
    }

    /** PEER, ANNOUNCE: the sender's member id. ORDERED: the origin's member id. */
    public String member() {
        return member;
    }

    public boolean replyWanted() {
        return replyWanted;
    }

    /** ANNOUNCE: the sender's replica is open (only then does {@link #cluster()} tell where it belongs). */
    public boolean started() {
        return started;
    }

    /** PEER, ANNOUNCE: the id of the cluster the sender belongs to; null if none (yet) or not started. */
    public String cluster() {
        return cluster;
    }

    /** ORDERED: the global position of the message in the total order (1, 2, ...; gaps are internal entries). */
    public long index() {
        return index;
    }

    /** ORDERED: the term of the leader that ordered the message. */
    public long term() {
        return term;
    }

    @Override
    public short getMagicId() {
        return MAGIC_ID;
    }

    @Override
    public Supplier<? extends Header> create() {
        return AbcastHeader::new;
    }

    @Override
    public int serializedSize() {
        return 2 + body().length;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        byte[] b = body();
        out.writeShort(b.length);
        out.write(b);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int len = in.readUnsignedShort();
        byte[] b = new byte[len];
        in.readFully(b);
        parse(b);
    }

    private byte[] body() {
        if (body == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(32);
            out.write(VERSION);
            out.write(type);
            switch (type) {
                case PEER -> {
                    writeString(out, member);
                    writeString(out, cluster == null ? "" : cluster);
                }
                case ANNOUNCE -> {
                    writeString(out, member);
                    out.write((replyWanted ? 1 : 0) | (started ? 2 : 0));
                    writeString(out, cluster == null ? "" : cluster);
                }
                case ORDERED -> {
                    writeLong(out, index);
                    writeLong(out, term);
                    writeString(out, member);
                }
                default -> { // INVALID: written as read (version + type only)
                }
            }
            body = out.toByteArray();
        }
        return body;
    }

    /** Never throws for bad content: anything unexpected leaves the header INVALID. */
    private void parse(byte[] b) {
        type = INVALID;
        member = null;
        body = null;
        try {
            ByteBuffer buf = ByteBuffer.wrap(b);
            if (buf.get() != VERSION) return;
            byte t = buf.get();
            switch (t) {
                case PEER -> {
                    member = readString(buf);
                    cluster = readOptionalString(buf);
                }
                case ANNOUNCE -> {
                    member = readString(buf);
                    byte r = buf.get();
                    if ((r & ~3) != 0) return;
                    replyWanted = (r & 1) != 0;
                    started = (r & 2) != 0;
                    cluster = readOptionalString(buf);
                }
                case ORDERED -> {
                    index = buf.getLong();
                    term = buf.getLong();
                    member = readString(buf);
                    if (index < 1 || term < 1) return;
                }
                default -> {
                    return;
                }
            }
            if (buf.hasRemaining() || member == null) return;
            type = t;
        } catch (RuntimeException malformed) { // BufferUnderflow, bad length: stays INVALID
            type = INVALID;
        }
        if (type == INVALID) {
            member = cluster = null;
            index = term = 0;
            replyWanted = started = false;
        }
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
    }

    private static String readString(ByteBuffer buf) {
        int len = buf.getShort() & 0xffff;
        if (len == 0 || len > MAX_MEMBER_ID_BYTES || len > buf.remaining()) return null;
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** An empty string stands for null; a length beyond the limit or the buffer throws (the header is invalid). */
    private static String readOptionalString(ByteBuffer buf) {
        int len = buf.getShort() & 0xffff;
        if (len > MAX_MEMBER_ID_BYTES || len > buf.remaining()) throw new IllegalArgumentException("bad length");
        if (len == 0) return null;
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (v >>> shift));
    }

    @Override
    public String toString() {
        return switch (type) {
            case PEER -> "ABCAST PEER from " + member + (cluster != null ? " of cluster " + cluster : "");
            case ANNOUNCE -> "ABCAST ANNOUNCE " + member + (started ? " cluster " + cluster : " (not started)")
                + (replyWanted ? " (reply wanted)" : "");
            case ORDERED -> "ABCAST #" + index + " term " + term + " origin " + member;
            default -> "ABCAST INVALID";
        };
    }
}
