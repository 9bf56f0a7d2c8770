package dev.portcullis.node.fleet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A directory of fleet credentials, generated where missing: {@code ca.pem} (the fleet CA, the trust of every
 * member), {@code ca.key} (its key, PKCS#8, {@code rw-------}), {@code node.pem} (this node's certificate, then
 * the CA's) and {@code node.key} ({@code rw-------}), in a {@code rwx------} directory.
 *
 * <p>{@link #ensure} keeps what is there and usable: a node certificate that chains to {@code ca.pem}, names
 * the cluster address and is valid for another {@value #RENEW_DAYS} days is reused (then {@code ca.key} is not
 * needed: a member may be given only {@code ca.pem}, {@code node.pem} and {@code node.key}). Otherwise a node
 * certificate is issued with {@code ca.key}, and a fleet CA is generated when neither {@code ca.pem} nor
 * {@code ca.key} exists. Generation runs under an exclusive lock on {@code fleet.lock} (between processes) and a
 * monitor per directory (between threads of one JVM), so nodes sharing a directory end up with one fleet CA.
 * Certificates are written after their keys: a key without its certificate is an interrupted generation.
 */
public final class FleetDirectory {

    /** The fleet CA certificate. */
    public static final String CA_CERT = "ca.pem";
    /** The fleet CA key. */
    public static final String CA_KEY = "ca.key";
    /** This node's certificate chain. */
    public static final String NODE_CERT = "node.pem";
    /** This node's key. */
    public static final String NODE_KEY = "node.key";
    /** {@value}: a node certificate closer than this to its end is reissued at start. */
    public static final int RENEW_DAYS = 30;

    private static final String LOCK = "fleet.lock";
    private static final Logger LOG = LoggerFactory.getLogger(FleetDirectory.class);
    private static final ConcurrentMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Clock clock;
    private final FleetCaGenerator generator;

    public FleetDirectory(Path directory, Clock clock, SecureRandom random) {
        this.directory = directory.toAbsolutePath().normalize();
        this.clock = clock;
        this.generator = new FleetCaGenerator(clock, random);
    }

    /** The directory with the system clock and a strong random source. */
    public static FleetDirectory of(Path directory) {
        return new FleetDirectory(directory, Clock.systemUTC(), new SecureRandom());
    }

    /**
     * Makes sure the directory holds usable credentials for a node on {@code host}, generating what is missing.
     *
     * @param host the node's cluster IP address, named in its certificate
     * @return the PEM files to configure the event bus with
     * @throws FleetCredentialsException when the files cannot be read, written or issued
     */
    public FleetCredentials ensure(String host) {
        try {
            FleetFiles.createPrivateDirectory(directory);
        } catch (IOException e) {
            throw new FleetCredentialsException("cannot create " + directory + ": " + e, e);
        }
        Object jvmLock = JVM_LOCKS.computeIfAbsent(directory, path -> new Object());
        synchronized (jvmLock) {
            try (FileChannel channel = FleetFiles.openLockFile(directory.resolve(LOCK));
                 FileLock lock = channel.lock()) {
                return ensureLocked(host);
            } catch (IOException | GeneralSecurityException e) {
                throw new FleetCredentialsException("cannot prepare fleet credentials in " + directory + ": " + e, e);
            }
        }
    }

    private FleetCredentials ensureLocked(String host) throws IOException, GeneralSecurityException {
        Path caCert = directory.resolve(CA_CERT);
        Path caKey = directory.resolve(CA_KEY);
        Path nodeCert = directory.resolve(NODE_CERT);
        Path nodeKey = directory.resolve(NODE_KEY);
        FleetCredentials credentials = FleetCredentials.pem(nodeCert, nodeKey, caCert);
        if (Files.isRegularFile(caCert) && Files.isRegularFile(nodeKey) && Files.isRegularFile(nodeCert)
                && usable(FleetFiles.readCertificates(nodeCert).get(0), FleetFiles.readCertificates(caCert), host)) {
            return credentials;
        }
        FleetCaGenerator.Issued ca;
        if (Files.isRegularFile(caCert) && Files.isRegularFile(caKey)) {
            ca = new FleetCaGenerator.Issued(FleetFiles.readCertificates(caCert).get(0), FleetFiles.readKey(caKey));
        } else if (Files.isRegularFile(caCert)) {
            throw new FleetCredentialsException(directory + " has " + CA_CERT + " but no usable " + NODE_CERT
                    + " for " + host + " and no " + CA_KEY + " to issue one: give this node its own "
                    + NODE_CERT + " and " + NODE_KEY + " signed by the fleet CA");
        } else {
            ca = generator.fleetCa();
            FleetFiles.writeAtomically(caKey, FleetFiles.keyPem(ca.key()), FleetFiles.OWNER_ONLY);
            FleetFiles.writeAtomically(caCert, FleetFiles.certificatesPem(ca.certificate()), FleetFiles.PUBLIC_READ);
            LOG.info("generated a fleet CA ({}) in {}", ca.certificate().getSubjectX500Principal().getName(),
                    directory);
        }
        FleetCaGenerator.Issued node = generator.node(ca, host);
        FleetFiles.writeAtomically(nodeKey, FleetFiles.keyPem(node.key()), FleetFiles.OWNER_ONLY);
        FleetFiles.writeAtomically(nodeCert, FleetFiles.certificatesPem(node.certificate(), ca.certificate()),
                FleetFiles.PUBLIC_READ);
        LOG.info("issued a fleet node certificate for {} ({}), valid until {}", host,
                node.certificate().getSubjectX500Principal().getName(), node.certificate().getNotAfter().toInstant());
        return credentials;
    }

    /** Signed by one of {@code trusted}, valid for {@value #RENEW_DAYS} more days, naming {@code host}. */
    private boolean usable(X509Certificate node, List<X509Certificate> trusted, String host) {
        Instant renewAt = clock.instant().plus(Duration.ofDays(RENEW_DAYS));
        if (node.getNotAfter().toInstant().isBefore(renewAt) || !namesAddress(node, host)) {
            return false;
        }
        for (X509Certificate ca : trusted) {
            try {
                node.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // Signed by another CA (e.g. ca.pem was replaced): try the next one, else reissue.
            }
        }
        return false;
    }

    private static boolean namesAddress(X509Certificate certificate, String host) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            InetAddress wanted = InetAddress.getByName(host);
            for (List<?> name : names) {
                // Type 7 is iPAddress (RFC 5280 §4.2.1.6); the JDK gives it as text.
                if (Integer.valueOf(7).equals(name.get(0)) && InetAddress.getByName((String) name.get(1)).equals(wanted)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException | IOException e) {
            return false;
        }
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }
}
