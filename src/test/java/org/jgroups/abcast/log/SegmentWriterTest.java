package org.jgroups.abcast.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Both ways of writing a segment keep the same file: the frames back to back, nothing else once sealed. */
class SegmentWriterTest {
    @TempDir
    Path dir;
    private final Random random = new Random(42);
    private final ByteArrayOutputStream expected = new ByteArrayOutputStream();

    private SegmentWriterFactory factory(boolean direct) {
        SegmentWriterFactory f = new SegmentWriterFactory(dir, LogOptions.defaults().withDirectIo(direct));
        if (direct)
            assumeTrue(f.direct(), "direct I/O is refused here");
        return f;
    }

    private SegmentWriter open(boolean direct, boolean create, long end) throws IOException {
        SegmentWriter w = factory(direct).open(dir.resolve("segment"), create, end);
        if (direct)
            assumeTrue(w instanceof DirectSegmentWriter, "direct I/O is refused by this file system");
        return w;
    }

    /** Appends {@code n} random bytes (from a heap or a direct buffer, as the log's callers may) and remembers them. */
    private void append(SegmentWriter w, int n) throws IOException {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        ByteBuffer buf = random.nextBoolean() ? ByteBuffer.wrap(bytes) : ByteBuffer.allocateDirect(n).put(bytes).flip();
        w.append(buf, expected.size());
        assertFalse(buf.hasRemaining(), "the writer consumes all of the frames");
        expected.write(bytes);
    }

    private byte[] fileStart(int n) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(dir.resolve("segment")), n);
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void appendsOfAnySizeReadBackExactlyAndASealedFileHoldsNothingElse(boolean direct) throws IOException {
        SegmentWriter w = open(direct, true, 0);
        for (int n : new int[]{1, 24, 4095, 1, 4096, 8192, 17, 70_000, 3, 1_500_000, 5})
            append(w, n);
        for (int i = 0; i < 200; i++)
            append(w, 1 + random.nextInt(3000));
        w.force();
        assertArrayEquals(expected.toByteArray(), fileStart(expected.size()), "readable while being written");
        w.seal();
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(dir.resolve("segment")));
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void aReopenedSegmentContinuesAtItsUnalignedEnd(boolean direct) throws IOException {
        SegmentWriter w = open(direct, true, 0);
        append(w, 5000);
        w.seal();
        w = open(direct, false, 5000);
        append(w, 3000);
        append(w, 10);
        w.seal();
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(dir.resolve("segment")));
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void aTruncatedSegmentContinuesAtItsNewEnd(boolean direct) throws IOException {
        SegmentWriter w = open(direct, true, 0);
        append(w, 10_000);
        w.truncate(6001);
        byte[] kept = Arrays.copyOf(expected.toByteArray(), 6001);
        expected.reset();
        expected.write(kept);
        append(w, 100);
        w.seal();
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(dir.resolve("segment")));
    }

    @Test
    void aDirectWriterPadsToWholeBlocksUntilSealed() throws IOException {
        SegmentWriter w = open(true, true, 0);
        append(w, 100);
        assertEquals(0, Files.size(dir.resolve("segment")) % 512, "only whole blocks are written");
        assertTrue(Files.size(dir.resolve("segment")) > 100);
        w.seal();
        assertEquals(100, Files.size(dir.resolve("segment")));
    }

    @Test
    void aDirectWriterRefusesToWriteAnywhereButAtTheEnd() throws IOException {
        SegmentWriter w = open(true, true, 0);
        append(w, 100);
        assertThrows(IllegalStateException.class, () -> w.append(ByteBuffer.allocate(10), 50));
        w.abandon();
    }

    @Test
    void buffersNeedNoAlignment() throws IOException {
        SegmentWriter w = open(true, true, 0);
        byte[] bytes = new byte[9000];
        random.nextBytes(bytes);
        w.append(ByteBuffer.wrap(bytes, 3, 8000).slice(), 0); // a slice starting at an odd address
        w.seal();
        assertArrayEquals(Arrays.copyOfRange(bytes, 3, 8003), Files.readAllBytes(dir.resolve("segment")));
    }

    @Test
    void withoutDirectIoTheFactoryWritesThroughThePageCache() throws IOException {
        SegmentWriterFactory f = factory(false);
        assertFalse(f.direct());
        SegmentWriter w = f.open(dir.resolve("segment"), true, 0);
        assertInstanceOf(BufferedSegmentWriter.class, w);
        w.abandon();
    }
}
