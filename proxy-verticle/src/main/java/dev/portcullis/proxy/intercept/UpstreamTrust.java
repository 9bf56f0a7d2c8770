package dev.portcullis.proxy.intercept;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.TrustOptions;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS client options for connections to servers being intercepted: the JDK's trusted roots plus an
 * optional operator CA bundle, hostname verification against the SNI name (RFC 6125 via the JDK's "HTTPS"
 * algorithm), ALPN offering only HTTP/1.1 (what the inspector speaks). One instance for all connections, so
 * Vert.x builds the SSL context once.
 */
public final class UpstreamTrust {

    private final ClientSSLOptions options;

    private UpstreamTrust(ClientSSLOptions options) {
        this.options = options;
    }

    /**
     * @param extraCaBundle a PEM file of additional trusted CAs, or {@code null}
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    public static UpstreamTrust create(String extraCaBundle) {
        try {
            KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
            roots.load(null, null);
            int index = 0;
            for (X509Certificate root : jdkRoots()) {
                roots.setCertificateEntry("jdk-" + index++, root);
            }
            if (extraCaBundle != null) {
                List<? extends Certificate> extra = readPem(Path.of(extraCaBundle));
                if (extra.isEmpty()) {
                    throw new IllegalArgumentException("upstream-ca-file " + extraCaBundle + " holds no certificate");
                }
                for (Certificate certificate : extra) {
                    roots.setCertificateEntry("extra-" + index++, certificate);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(roots);
            ClientSSLOptions options = new ClientSSLOptions()
                    .setTrustOptions(TrustOptions.wrap(factory))
                    .setHostnameVerificationAlgorithm("HTTPS")
                    .setUseAlpn(true)
                    .setApplicationLayerProtocols(List.of("http/1.1"));
            return new UpstreamTrust(options);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build upstream trust"
                    + (extraCaBundle == null ? "" : " with " + extraCaBundle) + ": " + e.getMessage(), e);
        }
    }

    public ClientSSLOptions options() {
        return options;
    }

    private static X509Certificate[] jdkRoots() throws GeneralSecurityException {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        for (var manager : jdk.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }

    private static List<? extends Certificate> readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }
}
