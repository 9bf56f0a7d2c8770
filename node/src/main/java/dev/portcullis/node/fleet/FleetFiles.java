package dev.portcullis.node.fleet;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** PEM reading and writing of the fleet's files, keys owner-only from their first byte. */
final class FleetFiles {

    /** {@code rwx------}: the directory holding the fleet CA key. */
    static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------}: key files. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** {@code rw-r--r--}: certificates are public. */
    static final Set<PosixFilePermission> PUBLIC_READ = PosixFilePermissions.fromString("rw-r--r--");

    private FleetFiles() {
    }

    /** The certificates of a PEM file, in order. */
    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }

    /** An unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}). */
    static PrivateKey readKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object read = parser.readObject();
            if (!(read instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no unencrypted PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    static String certificatesPem(X509Certificate... certificates) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }
        return text.toString();
    }

    /**
     * The key as PKCS#8 {@code BEGIN PRIVATE KEY}: Vert.x's PEM reader refuses the SEC1 {@code BEGIN EC PRIVATE KEY}
     * that BouncyCastle writes for a bare EC key.
     */
    static String keyPem(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        return text.toString();
    }

    static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, attributes(directory.getParent(), PRIVATE_DIRECTORY));
        }
    }

    /** Writes to a temporary file with {@code permissions} from the start, then renames it over the target. */
    static void writeAtomically(Path target, String content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, target.getFileName() + ".", ".tmp",
                attributes(directory, permissions));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static FileChannel openLockFile(Path lockFile) throws IOException {
        return FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                attributes(lockFile.toAbsolutePath().getParent(), OWNER_ONLY));
    }

    private static FileAttribute<?>[] attributes(Path directory, Set<PosixFilePermission> permissions)
            throws IOException {
        Path existing = directory == null ? Path.of("").toAbsolutePath() : directory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        boolean posix = existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
