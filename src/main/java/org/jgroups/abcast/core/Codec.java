package org.jgroups.abcast.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** Big-endian int and long access to byte arrays (one store instead of a loop over the bytes). */
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
            INT.set(buf, pos, v);
            pos += 4;
            return this;
        }

        public Writer writeLong(long v) {
            ensure(8);
            LONG.set(buf, pos, v);
            pos += 8;
            return this;
        }

        public Writer writeBytes(byte[] b) {
            writeInt(b.length);
            return writeRaw(b);
        }

        /** Writes the bytes as they are, without a length (for blocks encoded separately, see WireFormat). */
        public Writer writeRaw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
            return this;
        }

        /**
         * Writes a string; null is allowed and read back as null. The same bytes as a length-prefixed UTF-8
         * encoding; ASCII (member ids, storage ids) is written in place without an intermediate array.
         */
        public Writer writeString(String s) {
            if (s == null) return writeInt(-1);
            int n = s.length();
            int start = pos;
            writeInt(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) { // not ASCII: start again with the general encoding
                    pos = start;
                    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
                }
                buf[pos++] = (byte) c;
            }
            return this;
        }

        /** Bytes written so far. */
        public int size() {
            return pos;
        }

        /** The bytes written; the buffer itself (no copy) when it was sized exactly. */
        public byte[] toByteArray() {
            return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
        }
    }

    /** The exact size {@link Writer#writeString} takes for s. */
    public static int stringSize(String s) {
        if (s == null) return 4;
        int n = s.length();
        for (int i = 0; i < n; i++)
            if (s.charAt(i) >= 0x80) return 4 + s.getBytes(StandardCharsets.UTF_8).length;
        return 4 + n;
    }

    public static final class Reader {
        private final ByteBuffer buf;
        /**
         * The last few strings read, with their bytes: the entries of one message repeat a handful of origins, and
         * each would otherwise be a new String (and its array) per entry.
         */
        private final String[] recentStrings = new String[4];
        private final byte[][] recentBytes = new byte[4][];
        private int nextRecent;

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
            byte[] a = buf.array();
            int from = buf.arrayOffset() + buf.position();
            buf.position(buf.position() + len);
            for (int i = 0; i < recentStrings.length; i++) {
                byte[] b = recentBytes[i];
                if (b != null && b.length == len && Arrays.equals(b, 0, len, a, from, from + len)) return recentStrings[i];
            }
            String s = new String(a, from, len, StandardCharsets.UTF_8);
            recentStrings[nextRecent] = s;
            recentBytes[nextRecent] = Arrays.copyOfRange(a, from, from + len);
            nextRecent = (nextRecent + 1) & (recentStrings.length - 1);
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
