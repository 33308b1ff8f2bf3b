package org.jgroups.protocols.abcast;

import org.jgroups.BytesMessage;
import org.jgroups.CompositeMessage;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.NioMessage;
import org.jgroups.ObjectMessage;
import org.jgroups.blocks.RequestCorrelator;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    @Test
    void keepsPayloadFlagsAndHeadersOfEveryMessageType() throws Exception {
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        Message bytes = new BytesMessage(null, data, 1, 3).setFlag(Message.Flag.DONT_BUNDLE, Message.Flag.NO_FC)
            .putHeader((short) 200, new RequestCorrelator.Header(RequestCorrelator.Header.REQ, 17, (short) 200));
        bytes.setSrc(UUID.randomUUID());
        Message back = roundTrip(bytes).message();
        assertInstanceOf(BytesMessage.class, back);
        assertEquals("ell", new String(back.getArray(), back.getOffset(), back.getLength(), StandardCharsets.UTF_8));
        assertTrue(back.isFlagSet(Message.Flag.DONT_BUNDLE));
        assertTrue(back.isFlagSet(Message.Flag.NO_FC));
        assertFalse(back.isFlagSet(Message.Flag.OOB));
        RequestCorrelator.Header h = back.getHeader((short) 200);
        assertNotNull(h);
        assertEquals(17, h.requestId());
        assertNull(back.getDest());
        assertNull(back.getSrc(), "the source is set by ABCAST on delivery, not carried");

        Message obj = roundTrip(new ObjectMessage(null, "an object")).message();
        assertEquals("an object", obj.getObject());

        assertInstanceOf(EmptyMessage.class, roundTrip(new EmptyMessage(null)).message());

        Message nio = roundTrip(new NioMessage(null, ByteBuffer.wrap(data))).message();
        byte[] nioBack = new byte[nio.getLength()];
        ((NioMessage) nio).getBuf().duplicate().get(nioBack);
        assertArrayEquals(data, nioBack);

        CompositeMessage comp = new CompositeMessage(null, new BytesMessage(null, data), new ObjectMessage(null, 5));
        CompositeMessage compBack = (CompositeMessage) roundTrip(comp).message();
        assertEquals(2, compBack.getNumberOfMessages());
        assertEquals(5, (Integer) compBack.get(1).getObject());
    }

    @Test
    void keepsDontLoopbackOnly() throws Exception {
        Message m = new BytesMessage(null, new byte[]{1}).setFlag(Message.TransientFlag.DONT_LOOPBACK);
        assertTrue(roundTrip(m).dontLoopback());
        assertFalse(roundTrip(new BytesMessage(null, new byte[]{1})).dontLoopback());
    }

    @Test
    void rejectsGarbageWithIOException() throws Exception {
        byte[] good = MessageCodec.encode(new BytesMessage(null, new byte[]{1, 2, 3}));
        assertThrows(IOException.class, () -> MessageCodec.decode(new byte[0]));
        assertThrows(IOException.class, () -> MessageCodec.decode(new byte[]{9, 0, 0, 0}));
        assertThrows(IOException.class, () -> MessageCodec.decode(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IOException.class, () -> MessageCodec.decode(Arrays.copyOf(good, good.length + 1)));
        byte[] badType = good.clone();
        badType[2] = 0x7f;
        assertThrows(IOException.class, () -> MessageCodec.decode(badType));
    }

    private static MessageCodec.Decoded roundTrip(Message m) throws Exception {
        return MessageCodec.decode(MessageCodec.encode(m));
    }
}
