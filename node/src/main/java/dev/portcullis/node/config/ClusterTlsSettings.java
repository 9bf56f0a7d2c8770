package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;

import java.nio.file.Path;

/**
 * The {@code cluster.tls} section: the credentials of this node on the clustered event bus, which runs mutual TLS
 * between fleet members only (see docs/fleet-security.md). Either
 * <ul>
 *   <li>nothing: the node generates a fleet CA and a node certificate into {@code <data-dir>/fleet} on first start
 *       and reuses them (single node, or nodes sharing that directory);</li>
 *   <li>{@code cert-file} + {@code key-file} (PEM; the key unencrypted PKCS#8, file mode 0600) + {@code trust-file};</li>
 *   <li>or {@code keystore} (PKCS#12 holding the key and its chain) with {@code passphrase-file} or
 *       {@code passphrase-env} (a variable's name; the passphrase itself never goes in the YAML) +
 *       {@code trust-file}.</li>
 * </ul>
 * {@code trust-file} holds the fleet CA (PEM): any certificate it signed is a fleet member, because the clustered
 * event bus does not check peer names. It must be a CA of its own, never the root that signs workloads' leaves.
 *
 * @param certFile       this node's certificate chain (PEM), or {@code null}
 * @param keyFile        its private key (PEM), or {@code null}
 * @param keystore       a PKCS#12 file with key and chain instead of the two above, or {@code null}
 * @param passphraseFile a file holding the keystore's passphrase, or {@code null}
 * @param passphraseEnv  the name of an environment variable holding it, or {@code null}
 * @param trustFile      the fleet CA certificate(s) (PEM), or {@code null} when nothing is configured
 */
public record ClusterTlsSettings(Path certFile, Path keyFile, Path keystore, Path passphraseFile,
                                 String passphraseEnv, Path trustFile) {

    /** Nothing configured: credentials are generated into the data directory. */
    public static final ClusterTlsSettings GENERATED = new ClusterTlsSettings(null, null, null, null, null, null);

    /** The keys of the {@code cluster.tls} section; a passphrase itself has none, on purpose. */
    static final ConfigSchema SCHEMA = ConfigSchema.builder().string("cert-file").string("key-file")
            .string("keystore").string("passphrase-file").string("passphrase-env").string("trust-file").build();

    /** Reads the {@code cluster.tls} section its {@link #SCHEMA} has checked; absent, the credentials are generated. */
    static ClusterTlsSettings from(ConfigView section) {
        return new ClusterTlsSettings(path(section, "cert-file"), path(section, "key-file"),
                path(section, "keystore"), path(section, "passphrase-file"), section.string("passphrase-env", null),
                path(section, "trust-file"));
    }

    private static Path path(ConfigView section, String key) {
        String text = section.string(key, null);
        if (text != null && text.isBlank()) {
            throw new ConfigException(section.path() + "." + key + " must not be empty");
        }
        return text == null ? null : Path.of(text);
    }

    public ClusterTlsSettings {
        boolean pem = certFile != null || keyFile != null;
        boolean pkcs12 = keystore != null || passphraseFile != null || passphraseEnv != null;
        if (pem || pkcs12 || trustFile != null) {
            check(certFile, keyFile, keystore, passphraseFile, passphraseEnv, trustFile, pem, pkcs12);
        }
    }

    private static void check(Path certFile, Path keyFile, Path keystore, Path passphraseFile, String passphraseEnv,
                              Path trustFile, boolean pem, boolean pkcs12) {
        if (trustFile == null) {
            throw new ConfigException("cluster.tls.trust-file (the fleet CA, PEM) is required when cluster.tls is set");
        }
        if (pem && pkcs12) {
            throw new ConfigException("cluster.tls: set cert-file and key-file, or keystore, not both");
        }
        if (pem && (certFile == null || keyFile == null)) {
            throw new ConfigException("cluster.tls." + (certFile == null ? "cert-file" : "key-file")
                    + " is required with cluster.tls." + (certFile == null ? "key-file" : "cert-file"));
        }
        if (pkcs12 && keystore == null) {
            throw new ConfigException("cluster.tls.keystore is required with a passphrase");
        }
        if (pkcs12 && (passphraseFile == null) == (passphraseEnv == null)) {
            throw new ConfigException("cluster.tls.keystore needs exactly one of passphrase-file, passphrase-env");
        }
        if (!pem && !pkcs12) {
            throw new ConfigException("cluster.tls.trust-file needs this node's own credentials too: "
                    + "cert-file and key-file, or keystore");
        }
    }

    /** Whether nothing is configured, so the node uses (or generates) the credentials in its data directory. */
    public boolean generated() {
        return trustFile == null;
    }
}
