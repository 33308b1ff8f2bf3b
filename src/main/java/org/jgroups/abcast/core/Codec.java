package org.jgroups.abcast.core;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Minimal growable binary writer and bounds-checked reader for the engine's own encodings (configurations, session
 * tables, entries). Kept here, without I/O streams, so the core stays free of any I/O dependency.
 */
public final class Codec {
    private Codec() {
    }

    /** Thrown when bytes cannot be decoded: truncated, corrupt or foreign input. */
    public static final class MalformedException extends RuntimeException {
        public MalformedException(String message) {
            super(message);
        }
    }

    public static final class Writer {
        private byte[] buf;
        private int pos;

        public Writer(int initialCapacity) {
            buf = new byte[Math.max(16, initialCapacity)];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }

        public Writer writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
            return this;
        }

        public Writer writeInt(int v) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
            return this;
        }

        public Writer writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
            return this;
        }

        public Writer writeBytes(byte[] b) {
            writeInt(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
            return this;
        }

        /** Writes a string; null is allowed and read back as null. */
        public Writer writeString(String s) {
            if (s == null) return writeInt(-1);
            return writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    public static final class Reader {
        private final ByteBuffer buf;

        public Reader(byte[] bytes) {
            this.buf = ByteBuffer.wrap(bytes);
        }

        public int readByte() {
            try {
                return buf.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        public int readInt() {
            try {
                return buf.getInt();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        public long readLong() {
            try {
                return buf.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        public byte[] readBytes() {
            int len = readInt();
            if (len < 0 || len > buf.remaining())
                throw new MalformedException("bad length " + len + " with " + buf.remaining() + " bytes left");
            byte[] b = new byte[len];
            buf.get(b);
            return b;
        }

        public String readString() {
            int len = readInt();
            if (len == -1) return null;
            if (len < 0 || len > buf.remaining())
                throw new MalformedException("bad string length " + len + " with " + buf.remaining() + " bytes left");
            String s = new String(buf.array(), buf.position(), len, StandardCharsets.UTF_8);
            buf.position(buf.position() + len);
            return s;
        }

        public int remaining() {
            return buf.remaining();
        }

        public void expectEnd() {
            if (buf.hasRemaining()) throw new MalformedException(buf.remaining() + " unexpected trailing bytes");
        }

        private MalformedException truncated() {
            return new MalformedException("truncated input at byte " + buf.position());
        }
    }
}
