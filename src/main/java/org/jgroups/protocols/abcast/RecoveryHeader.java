package org.jgroups.protocols.abcast;

import org.jgroups.Header;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Header of {@link RECOVERY}: a FETCH asks a member for committed entries from {@link #fromIndex()} on (about
 * {@link #maxBytes()} of them); the CHUNK answer carries the encoded entries as payload and the same request id.
 * Anything else reads as {@link #INVALID} and is dropped.
 */
public final class RecoveryHeader extends Header {
    /** Magic number in {@link org.jgroups.conf.ClassConfigurator}; see docs/abcast.md for how ids are chosen. */
    public static final short MAGIC_ID = 1573;

    public static final byte INVALID = 0, FETCH = 1, CHUNK = 2;
    static final byte VERSION = 1;

    private byte type;
    private long requestId;
    private long fromIndex;
    private int maxBytes;

    public RecoveryHeader() {
    }

    private RecoveryHeader(byte type, long requestId, long fromIndex, int maxBytes) {
        this.type = type;
        this.requestId = requestId;
        this.fromIndex = fromIndex;
        this.maxBytes = maxBytes;
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
        return 2 + 8 + 8 + 4;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(type);
        out.writeLong(requestId);
        out.writeLong(fromIndex);
        out.writeInt(maxBytes);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        byte t = in.readByte();
        requestId = in.readLong();
        fromIndex = in.readLong();
        maxBytes = in.readInt();
        boolean known = version == VERSION && (t == FETCH || t == CHUNK) && fromIndex >= 0 && maxBytes >= 0;
        type = known ? t : INVALID;
    }

    @Override
    public String toString() {
        return switch (type) {
            case FETCH -> "FETCH#" + requestId + " from " + fromIndex + " (" + maxBytes + " B)";
            case CHUNK -> "CHUNK#" + requestId;
            default -> "INVALID";
        };
    }
}
