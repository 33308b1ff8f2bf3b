package org.jgroups.abcast.core;

/**
 * What the engine needs to continue from a log whose prefix up to {@code index} was replaced by the application's
 * state: the position, the configuration and the de-duplication state at that position.
 */
public record SnapshotMeta(long index, long term, Configuration config, SessionTable sessions) {
    public static final SnapshotMeta NONE = new SnapshotMeta(0, 0, Configuration.EMPTY, new SessionTable());

    public SnapshotMeta {
        sessions = sessions.copy();
    }

    @Override
    public SessionTable sessions() {
        return sessions.copy();
    }

    public byte[] encode() {
        return new Codec.Writer(128).writeLong(index).writeLong(term).writeBytes(config.encode())
            .writeBytes(sessions.encode()).toByteArray();
    }

    public static SnapshotMeta decode(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        SnapshotMeta m = new SnapshotMeta(r.readLong(), r.readLong(), Configuration.decode(r.readBytes()),
                                          SessionTable.decode(r.readBytes()));
        r.expectEnd();
        return m;
    }
}
