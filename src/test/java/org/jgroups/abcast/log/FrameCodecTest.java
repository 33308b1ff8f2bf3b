package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

class FrameCodecTest {
    private static final LogRecord RECORD = new LogRecord(0x0102030405060708L, 0x1112131415161718L, new byte[]{9, 8, 7});

    private static ByteBuffer encoded() {
        ByteBuffer buf = ByteBuffer.allocate(100);
        FrameCodec.encode(RECORD, buf);
        return buf.flip();
    }

    @Test
    void frameIsCrcLengthIndexTermPayloadBigEndian() {
        ByteBuffer buf = encoded();
        assertEquals(24 + 3, buf.limit());
        assertEquals(3, buf.getInt(4));
        assertEquals(0x0102030405060708L, buf.getLong(8));
        assertEquals(0x1112131415161718L, buf.getLong(16));
        assertArrayEquals(new byte[]{9, 8, 7}, new byte[]{buf.get(24), buf.get(25), buf.get(26)});
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 4, 23);
        assertEquals((int) crc.getValue(), buf.getInt(0), "CRC32C covers length, index, term and payload");
    }

    @Test
    void decodesWhatWasEncoded() {
        assertEquals(RECORD, FrameCodec.decode(encoded(), 0, RECORD.index()));
    }

    @Test
    void anyChangedByteMakesTheFrameInvalid() {
        for (int i = 0; i < 27; i++) {
            ByteBuffer buf = encoded();
            buf.put(i, (byte) (buf.get(i) ^ 0x40));
            assertNull(FrameCodec.decode(buf, 0, RECORD.index()), "byte " + i + " changed");
        }
    }

    @Test
    void rejectsUnexpectedIndexAndWrongFrameSize() {
        assertNull(FrameCodec.decode(encoded(), 0, RECORD.index() + 1));
        assertNull(FrameCodec.decode(encoded().limit(26), 0, RECORD.index()));
    }
}
