package dev.portcullis.node.fleet;

import dev.portcullis.fleet.client.FleetEventBusTls;
import dev.portcullis.node.config.ClusterTlsSettings;
import dev.portcullis.node.config.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * This node's credentials on the clustered event bus: its key and certificate, and the fleet CA it trusts.
 * {@link #applyTo} turns on TLS with client authentication required, so every event-bus connection, in either
 * direction, is between two holders of a certificate from the fleet CA (docs/fleet-security.md).
 */
public final class FleetCredentials {

    /** {@value}: the data directory's subdirectory holding generated credentials. */
    public static final String DATA_DIR_NAME = "fleet";

    private final KeyCertOptions keyCert;
    private final Path trustFile;
    private final String description;

    private FleetCredentials(KeyCertOptions keyCert, Path trustFile, String description) {
        this.keyCert = keyCert;
        this.trustFile = trustFile;
        this.description = description;
    }

    /** PEM files: the node's chain, its unencrypted PKCS#8 key, and the fleet CA. */
    public static FleetCredentials pem(Path certFile, Path keyFile, Path trustFile) {
        return new FleetCredentials(new PemKeyCertOptions().setCertPath(certFile.toString())
                .setKeyPath(keyFile.toString()), trustFile, "cert " + certFile + ", trust " + trustFile);
    }

    /**
     * The credentials {@code cluster.tls} names, or those generated into {@code <dataDir>/fleet} when it names
     * none.
     *
     * @param host the node's cluster address (for a generated certificate)
     * @param env  the environment, for {@code cluster.tls.passphrase-env}
     * @throws ConfigException naming the {@code cluster.tls} key whose file is missing, unreadable or unfit
     * @throws FleetCredentialsException when generated credentials cannot be written
     */
    public static FleetCredentials resolve(ClusterTlsSettings tls, Path dataDir, String host,
                                           Map<String, String> env) {
        if (tls.generated()) {
            return FleetDirectory.of(dataDir.resolve(DATA_DIR_NAME)).ensure(host);
        }
        readable("trust-file", tls.trustFile());
        if (tls.keystore() != null) {
            readable("keystore", tls.keystore());
            return new FleetCredentials(new PfxOptions().setPath(tls.keystore().toString())
                    .setPassword(passphrase(tls, env)), tls.trustFile(),
                    "keystore " + tls.keystore() + ", trust " + tls.trustFile());
        }
        readable("cert-file", tls.certFile());
        readable("key-file", tls.keyFile());
        checkKeyUsage(tls.certFile());
        return pem(tls.certFile(), tls.keyFile(), tls.trustFile());
    }

    /**
     * Turns on mutual TLS on the event bus: this node's key and certificate, trust in the fleet CA only, and a
     * certificate required from every peer that connects.
     */
    public EventBusOptions applyTo(EventBusOptions options) {
        return FleetEventBusTls.apply(options, keyCert, trustOptions());
    }

    /** The fleet CA file this node trusts on the event bus. */
    public Path trustFile() {
        return trustFile;
    }

    KeyCertOptions keyCertOptions() {
        return keyCert;
    }

    PemTrustOptions trustOptions() {
        return new PemTrustOptions().addCertPath(trustFile.toString());
    }

    /** Which files these are (never their content), for logs. */
    @Override
    public String toString() {
        return description;
    }

    private static void readable(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException("cluster.tls." + key + " " + file + " is not a readable file");
        }
    }

    private static String passphrase(ClusterTlsSettings tls, Map<String, String> env) {
        if (tls.passphraseEnv() != null) {
            String value = env.get(tls.passphraseEnv());
            if (value == null || value.isEmpty()) {
                throw new ConfigException("cluster.tls.passphrase-env names " + tls.passphraseEnv()
                        + ", which is not set");
            }
            return value;
        }
        readable("passphrase-file", tls.passphraseFile());
        try {
            // A trailing newline is what editors and `echo` leave, not part of the passphrase.
            return Files.readString(tls.passphraseFile(), StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new ConfigException("cluster.tls.passphrase-file " + tls.passphraseFile() + ": " + e, e);
        }
    }

    /**
     * Every member is a TLS server for some peers and a client of others, so a node certificate restricted by an
     * extended key usage must allow both (RFC 5280 §4.2.1.12); the handshake would otherwise fail later, with a
     * less clear message, on the first connection in one direction only.
     */
    private static void checkKeyUsage(Path certFile) {
        List<X509Certificate> chain;
        try {
            chain = FleetFiles.readCertificates(certFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("cluster.tls.cert-file " + certFile + " holds no PEM certificate: " + e, e);
        }
        if (chain.isEmpty()) {
            throw new ConfigException("cluster.tls.cert-file " + certFile + " holds no PEM certificate");
        }
        try {
            List<String> usages = chain.get(0).getExtendedKeyUsage();
            if (usages != null && !(usages.contains("1.3.6.1.5.5.7.3.1") && usages.contains("1.3.6.1.5.5.7.3.2"))) {
                throw new ConfigException("cluster.tls.cert-file " + certFile + ": the node certificate's extended "
                        + "key usage must allow both serverAuth and clientAuth");
            }
        } catch (CertificateParsingException e) {
            throw new ConfigException("cluster.tls.cert-file " + certFile + ": unreadable extended key usage", e);
        }
    }
}
