package org.jgroups.abcast.bench;

/**
 * Layout of a benchmark message: sender index (int), sender sequence (long, from 1), send timestamp (long,
 * System.nanoTime of the sending process), then zero padding up to the payload size.
 */
final class Payload {
    static final int HEADER = 4 + 8 + 8;

    private Payload() {
    }

    static byte[] create(int size, int sender, long seq, long sendNanos) {
        byte[] b = new byte[Math.max(size, HEADER)];
        putInt(b, 0, sender);
        putLong(b, 4, seq);
        putLong(b, 12, sendNanos);
        return b;
    }

    static int sender(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long seq(byte[] b, int off) {
        return getLong(b, off + 4);
    }

    static long sendNanos(byte[] b, int off) {
        return getLong(b, off + 12);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }
}
