package org.jgroups.abcast.log;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes a directory unwritable for the test: by permissions, or, when running as root (which ignores them), with
 * {@code chattr +i}. Aborts the test if neither works on this machine.
 */
final class Unwritable implements AutoCloseable {
    private final Path dir;
    private final Set<PosixFilePermission> oldPermissions;
    private final boolean immutable;

    private Unwritable(Path dir, Set<PosixFilePermission> oldPermissions, boolean immutable) {
        this.dir = dir;
        this.oldPermissions = oldPermissions;
        this.immutable = immutable;
    }

    static Unwritable make(Path dir) throws IOException {
        Set<PosixFilePermission> old = Files.getPosixFilePermissions(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!canCreateFileIn(dir))
            return new Unwritable(dir, old, false);
        Files.setPosixFilePermissions(dir, old);
        if (chattr("+i", dir) && !canCreateFileIn(dir))
            return new Unwritable(dir, old, true);
        chattr("-i", dir);
        Assumptions.abort("cannot make a directory unwritable here (root without chattr)");
        return null;
    }

    private static boolean canCreateFileIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", null));
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }

    private static boolean chattr(String flag, Path dir) {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (immutable)
            chattr("-i", dir);
        else
            Files.setPosixFilePermissions(dir, oldPermissions);
    }
}
