package org.jgroups.protocols.abcast;

import org.jgroups.Message;
import org.jgroups.MessageFactory;
import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;

import java.io.IOException;

/**
 * Turns an application message into the bytes ABCAST submits for ordering, and back.
 *
 * <p>Kept: the message type (bytes, NIO, object, empty, composite, ... - whatever {@link MessageFactory} knows), the
 * flags, every header present when the message reached ABCAST (those of the protocols and building blocks above it,
 * e.g. RpcDispatcher's correlation header or FORK's header) and the payload, all written by JGroups' own
 * {@link Message#writeToNoAddrs}. Of the transient (never serialized) flags only DONT_LOOPBACK is kept, so the
 * layer can honour it at the origin. Not kept: destination (always null: ordered messages are multicasts) and source
 * (ABCAST sets it on delivery from the origin's member id).
 *
 * <p>Format: version byte, transient-flags byte, message type (short), then JGroups' serialized message.
 */
final class MessageCodec {
    static final byte VERSION = 1;
    private static final byte T_DONT_LOOPBACK = 1;

    private MessageCodec() {
    }

    /** A message decoded from an ordered entry. */
    record Decoded(Message message, boolean dontLoopback) {
    }

    static byte[] encode(Message msg) throws IOException {
        int size = msg.sizeNoAddrs(msg.getSrc());
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(size + 4);
        out.writeByte(VERSION);
        out.writeByte(msg.isFlagSet(Message.TransientFlag.DONT_LOOPBACK) ? T_DONT_LOOPBACK : 0);
        out.writeShort(msg.getType());
        msg.writeToNoAddrs(msg.getSrc(), out);
        byte[] buf = out.buffer();
        int len = out.position();
        if (buf.length == len) return buf;
        byte[] exact = new byte[len];
        System.arraycopy(buf, 0, exact, 0, len);
        return exact;
    }

    /** Throws IOException for anything that is not a complete message of a known version and type. */
    static Decoded decode(byte[] bytes) throws IOException {
        try {
            ByteArrayDataInputStream in = new ByteArrayDataInputStream(bytes);
            byte version = in.readByte();
            if (version != VERSION) throw new IOException("unknown message encoding version " + version);
            byte transientFlags = in.readByte();
            short type = in.readShort();
            Message msg = MessageFactory.create(type);
            if (msg == null) throw new IOException("unknown message type " + type);
            msg.readFrom(in);
            if (in.position() != bytes.length)
                throw new IOException((bytes.length - in.position()) + " trailing bytes after the message");
            msg.setDest(null);
            return new Decoded(msg, (transientFlags & T_DONT_LOOPBACK) != 0);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) { // ClassNotFoundException, IllegalArgumentException, runtime errors of bad input
            throw new IOException("undecodable ordered message: " + e, e);
        }
    }
}
