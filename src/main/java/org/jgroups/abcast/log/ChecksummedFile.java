package org.jgroups.abcast.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Small files that are replaced atomically and verified when read. Layout (big-endian):
 * {@code magic(4) | body length(4) | body | CRC32C(4) of everything before it}.
 * <p>
 * Writing goes to {@code <name>.tmp}, which is forced, atomically renamed over the target, and then the directory
 * is forced so that the rename itself is durable. After a crash the target holds either the old or the new
 * content, never a mix.
 */
final class ChecksummedFile {
    static final String TMP_SUFFIX = ".tmp";
    private static final int OVERHEAD = 12;
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private ChecksummedFile() {
    }

    static void write(Path file, int magic, byte[] body) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(body.length + OVERHEAD).putInt(magic).putInt(body.length).put(body);
        buf.putInt(crc(buf.array(), buf.position()));
        buf.flip();
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                               StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining())
                ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Returns the body of {@code file}.
     *
     * @throws NoSuchFileException        if it does not exist
     * @throws StorageCorruptedException if it fails its checks; {@code what} names the file's role in the message
     */
    static byte[] read(Path file, int magic, String what) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        String problem = null;
        if (bytes.length < OVERHEAD)
            problem = "it has only " + bytes.length + " bytes";
        else if (buf.getInt(0) != magic)
            problem = String.format("wrong magic number 0x%08x", buf.getInt(0));
        else if (buf.getInt(4) != bytes.length - OVERHEAD)
            problem = "its length field (" + buf.getInt(4) + ") does not match its size (" + bytes.length + " bytes)";
        else if (buf.getInt(bytes.length - 4) != crc(bytes, bytes.length - 4))
            problem = "checksum mismatch";
        if (problem != null)
            throw new StorageCorruptedException(String.format("The %s file %s is corrupt: %s. %s", what, file, problem,
                                                              LogCorruptedException.OPERATOR_ACTION));
        byte[] body = new byte[bytes.length - OVERHEAD];
        buf.get(8, body);
        return body;
    }

    /**
     * Makes creations, renames and deletions in {@code dir} durable. On Windows a directory cannot be opened for
     * this and NTFS journals renames itself, so the failure is ignored there; everywhere else it is an error.
     */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
        catch (IOException e) {
            if (!WINDOWS)
                throw e;
        }
    }

    /** Removes a leftover {@code .tmp} sibling of {@code file} (from a crash during {@link #write}). */
    static void deleteLeftover(Path file) throws IOException {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + TMP_SUFFIX));
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
