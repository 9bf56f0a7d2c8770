package dev.portcullis.ca.root;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The CA in the data directory: {@code ca.pem} (the certificate, {@code rw-r--r--}) and {@code ca.key} (PKCS#8
 * PEM, unencrypted, {@code rw-------}) in a {@code rwx------} directory. On first start, when neither exists, a
 * root is generated ({@link RootGenerator}) and written there.
 *
 * <p>Generation happens once per directory even when several ca instances start together, in one JVM or in
 * several processes: generate-or-load runs under an exclusive lock on {@code ca.lock} (between processes) and a
 * monitor per directory (between threads of one JVM, which a file lock does not serialise: the JVM throws
 * {@code OverlappingFileLockException} instead). Files are written to a temporary name and renamed, and
 * {@code ca.pem} is written last: a {@code ca.key} without {@code ca.pem} is an interrupted generation, replaced.
 */
public final class DataDirCaSource implements CaSource {

    /** The key file's name in the data directory. */
    public static final String KEY_FILE = "ca.key";
    /** The certificate file's name in the data directory. */
    public static final String CERT_FILE = "ca.pem";
    /** The lock file's name in the data directory; it stays, empty, after use. */
    public static final String LOCK_FILE = "ca.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirCaSource.class);
    private static final ConcurrentMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Path keyFile;
    private final Path certFile;
    private final PemCaSource files;
    private final Clock clock;
    private final SecureRandom random;

    public DataDirCaSource(Path dataDir, Clock clock, SecureRandom random) {
        this.directory = dataDir.toAbsolutePath().normalize();
        this.keyFile = directory.resolve(KEY_FILE);
        this.certFile = directory.resolve(CERT_FILE);
        this.files = new PemCaSource(keyFile, certFile, PassphraseSource.none(), clock, "data-dir " + directory);
        this.clock = clock;
        this.random = random;
    }

    /** Loads the CA in the directory, or generates one when there is none. */
    @Override
    public Loaded open() throws CaLoadException {
        try {
            SecureFiles.createPrivateDirectory(directory);
        } catch (IOException e) {
            throw CaLoadException.because("cannot create data-dir " + directory, e);
        }
        Object jvmLock = JVM_LOCKS.computeIfAbsent(directory, path -> new Object());
        synchronized (jvmLock) {
            try (FileChannel channel = SecureFiles.openLockFile(directory.resolve(LOCK_FILE));
                 FileLock lock = channel.lock()) {
                return loadOrGenerate();
            } catch (IOException e) {
                throw CaLoadException.because("cannot lock " + directory.resolve(LOCK_FILE), e);
            }
        }
    }

    @Override
    public Loaded load() throws CaLoadException {
        return files.load();
    }

    @Override
    public byte[] digest() throws CaLoadException {
        return files.digest();
    }

    @Override
    public String describe() {
        return "data-dir " + directory;
    }

    private Loaded loadOrGenerate() throws CaLoadException {
        if (Files.exists(certFile)) {
            if (!Files.exists(keyFile)) {
                throw new CaLoadException("data-dir " + directory + " has " + CERT_FILE + " but no " + KEY_FILE
                        + "; restore the key or remove both to generate a new CA");
            }
            SecureFiles.warnIfExposed(keyFile);
            return load();
        }
        if (Files.exists(keyFile)) {
            LOG.warn("{} has {} without {}, left by an interrupted generation; generating a new CA", directory,
                    KEY_FILE, CERT_FILE);
        }
        CaMaterial generated = new RootGenerator(clock, random).generate(describe());
        byte[] keyPem = Pem.privateKey(generated.key());
        try {
            SecureFiles.writeAtomically(keyFile, keyPem, SecureFiles.OWNER_ONLY);
            SecureFiles.writeAtomically(certFile,
                    Pem.certificate(generated.certificate()).getBytes(StandardCharsets.US_ASCII),
                    SecureFiles.PUBLIC_READ);
        } catch (IOException e) {
            throw CaLoadException.because("cannot write the generated CA into data-dir " + directory, e);
        } finally {
            Arrays.fill(keyPem, (byte) 0);
        }
        // Read back what was written: the CA in force is the one on disk, byte for byte.
        Loaded loaded = load();
        LOG.info("Generated a new root CA '{}' (SHA-256 {}) into {}. Clients must trust {} to accept decrypted "
                        + "connections.", generated.certificate().getSubjectX500Principal().getName(),
                loaded.material().root().fingerprintSha256(), directory, certFile);
        return new Loaded(loaded.material(), loaded.digest(), true);
    }
}
