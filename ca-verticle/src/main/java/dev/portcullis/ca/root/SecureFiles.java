package dev.portcullis.ca.root;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only directories and files, written whole or not at all. */
final class SecureFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);

    /** {@code rwx------}: the data directory. */
    static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}: the key file and the lock file. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code rw-r--r--}: the CA certificate is public; the directory around it stays owner-only. */
    static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {
    }

    /** Creates the directory (and missing parents) as {@code rwx------} where the file system has permissions. */
    static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory, attributes(directory.getParent(), OWNER_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // Another instance created it between the check and here; it is a directory or the next step fails.
        }
    }

    /**
     * Writes {@code content} to a temporary file in the target's directory with the given permissions from the
     * first byte, then renames it over the target atomically: a reader sees the old file or the new one, never a
     * half-written key.
     */
    static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, target.getFileName() + ".", ".tmp",
                attributes(directory, permissions));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Opens (creating as owner-only) the file whose lock serialises generation between processes. */
    static FileChannel openLockFile(Path lockFile) throws IOException {
        return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                attributes(lockFile.toAbsolutePath().getParent(), OWNER_ONLY));
    }

    static boolean supportsPosix(Path directory) {
        Path existing = directory == null ? Path.of("").toAbsolutePath() : directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    /** Logs a warning when users other than the owner may read or write the key file; a refusal would be harsher. */
    static void warnIfExposed(Path keyFile) {
        if (!supportsPosix(keyFile.toAbsolutePath().getParent())) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
            if (!OWNER_DIRECTORY.containsAll(permissions)) {
                LOG.warn("{} is {}: other users may read or write it; restrict it with chmod 600", keyFile,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException e) {
            LOG.warn("cannot read the permissions of {} ({})", keyFile, e.getClass().getSimpleName());
        }
    }

    private static FileAttribute<?>[] attributes(Path directory, Set<PosixFilePermission> permissions) {
        return supportsPosix(directory)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
