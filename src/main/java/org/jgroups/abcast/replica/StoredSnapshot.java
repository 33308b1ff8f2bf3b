package org.jgroups.abcast.replica;

import org.jgroups.abcast.core.Codec;
import org.jgroups.abcast.core.SnapshotMeta;

/**
 * What a snapshot file holds and a snapshot transfer carries: the engine's state at the snapshot's index
 * (configuration and de-duplication table) and the application's state taken at the same delivery point.
 */
public record StoredSnapshot(SnapshotMeta meta, byte[] appState) {
    public byte[] encode() {
        return new Codec.Writer(64 + appState.length).writeBytes(meta.encode()).writeBytes(appState).toByteArray();
    }

    /** @throws Codec.MalformedException if the bytes are not a snapshot */
    public static StoredSnapshot decode(byte[] bytes) {
        Codec.Reader r = new Codec.Reader(bytes);
        StoredSnapshot s = new StoredSnapshot(SnapshotMeta.decode(r.readBytes()), r.readBytes());
        r.expectEnd();
        return s;
    }

    public long index() {
        return meta.index();
    }
}
