package org.jgroups.protocols.abcast;

import org.jgroups.Header;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Header of {@link RECOVERY}: a FETCH asks a member for committed entries from {@link #fromIndex()} on (about
 * {@link #maxBytes()} of them); the CHUNK answer carries the encoded entries as payload and the same request id.
 * A STATE_REQUEST asks a member for the application's state at a delivery point at or after {@link #fromIndex()}
 * (waiting at most {@link #total()} ms); the answer is STATE_CHUNKs (the state taken at index {@link #fromIndex()},
 * {@link #total()} bytes in all, this chunk's bytes as payload starting at offset {@link #maxBytes()}) or one
 * STATE_ERROR whose payload is the reason in UTF-8. A SNAPSHOT_OFFER (from the leader) tells a member that it needs
 * entries the leader compacted; it answers with a SNAPSHOT_REQUEST, answered like a STATE_REQUEST with the stored
 * snapshot (engine and application state) at its index. Anything else reads as {@link #INVALID} and is dropped.
 */
public final class RecoveryHeader extends Header {
    /** Magic number in {@link org.jgroups.conf.ClassConfigurator}; see docs/abcast.md for how ids are chosen. */
    public static final short MAGIC_ID = 1573;

    public static final byte INVALID = 0, FETCH = 1, CHUNK = 2, STATE_REQUEST = 3, STATE_CHUNK = 4, STATE_ERROR = 5,
        SNAPSHOT_OFFER = 6, SNAPSHOT_REQUEST = 7;
    static final byte VERSION = 1;

    private byte type;
    private long requestId;
    private long fromIndex;
    private int maxBytes;
    private long total; // state types only

    public RecoveryHeader() {
    }

    private RecoveryHeader(byte type, long requestId, long fromIndex, int maxBytes) {
        this(type, requestId, fromIndex, maxBytes, 0);
    }

    private RecoveryHeader(byte type, long requestId, long fromIndex, int maxBytes, long total) {
        this.type = type;
        this.requestId = requestId;
        this.fromIndex = fromIndex;
        this.maxBytes = maxBytes;
        this.total = total;
    }

    /** Asks for the application's state at a delivery point at or after minIndex, waiting at most waitMillis. */
    public static RecoveryHeader stateRequest(long requestId, long minIndex, long waitMillis) {
        return new RecoveryHeader(STATE_REQUEST, requestId, minIndex, 0, waitMillis);
    }

    /** Part of a state taken at index stateIndex: totalBytes in all, this part starting at offset. */
    public static RecoveryHeader stateChunk(long requestId, long stateIndex, int offset, long totalBytes) {
        return new RecoveryHeader(STATE_CHUNK, requestId, stateIndex, offset, totalBytes);
    }

    public static RecoveryHeader stateError(long requestId) {
        return new RecoveryHeader(STATE_ERROR, requestId, 0, 0, 0);
    }

    public static RecoveryHeader snapshotOffer() {
        return new RecoveryHeader(SNAPSHOT_OFFER, 0, 0, 0, 0);
    }

    public static RecoveryHeader snapshotRequest(long requestId) {
        return new RecoveryHeader(SNAPSHOT_REQUEST, requestId, 0, 0, 0);
    }

    /** The types added with state transfer carry one more field (total), so the first two keep their layout. */
    private static boolean isState(byte type) {
        return type >= STATE_REQUEST && type <= SNAPSHOT_REQUEST;
    }

    public static RecoveryHeader fetch(long requestId, long fromIndex, int maxBytes) {
        return new RecoveryHeader(FETCH, requestId, fromIndex, maxBytes);
    }

    public static RecoveryHeader chunk(long requestId) {
        return new RecoveryHeader(CHUNK, requestId, 0, 0);
    }

    public byte type() {
        return type;
    }

    public long requestId() {
        return requestId;
    }

    public long fromIndex() {
        return fromIndex;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** STATE_REQUEST: how long the provider may wait for its delivery point; STATE_CHUNK: the state's size. */
    public long total() {
        return total;
    }

    @Override
    public short getMagicId() {
        return MAGIC_ID;
    }

    @Override
    public Supplier<? extends Header> create() {
        return RecoveryHeader::new;
    }

    @Override
    public int serializedSize() {
        return 2 + 8 + 8 + 4 + (isState(type) ? 8 : 0);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(type);
        out.writeLong(requestId);
        out.writeLong(fromIndex);
        out.writeInt(maxBytes);
        if (isState(type)) out.writeLong(total);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        byte t = in.readByte();
        requestId = in.readLong();
        fromIndex = in.readLong();
        maxBytes = in.readInt();
        if (isState(t)) total = in.readLong();
        boolean known = version == VERSION && (t == FETCH || t == CHUNK || isState(t)) && fromIndex >= 0
            && maxBytes >= 0 && total >= 0;
        type = known ? t : INVALID;
    }

    @Override
    public String toString() {
        return switch (type) {
            case FETCH -> "FETCH#" + requestId + " from " + fromIndex + " (" + maxBytes + " B)";
            case CHUNK -> "CHUNK#" + requestId;
            case STATE_REQUEST -> "STATE_REQUEST#" + requestId + " at index >= " + fromIndex + " (wait " + total + " ms)";
            case STATE_CHUNK -> "STATE_CHUNK#" + requestId + " of the state at " + fromIndex + " (" + maxBytes + "/"
                + total + " B)";
            case STATE_ERROR -> "STATE_ERROR#" + requestId;
            case SNAPSHOT_OFFER -> "SNAPSHOT_OFFER";
            case SNAPSHOT_REQUEST -> "SNAPSHOT_REQUEST#" + requestId;
            default -> "INVALID";
        };
    }
}
