package dev.portcullis.proxy.intercept;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS client contexts for connections to servers being intercepted: the JDK's trusted roots plus an
 * optional operator CA bundle, ALPN offering what the client offered that the inspector speaks
 * ({@link AlpnChoice}); hostname verification against the SNI name is set on each engine ({@link UpstreamTls}).
 * One instance for all connections, with one context per offered list (only a handful exist: orders of h2 and
 * http/1.1), so each is built once. Netty's own contexts rather than Vert.x's {@code upgradeToSsl}, which sends no
 * ALPN on an upgraded client socket (Vert.x 5.0).
 */
public final class UpstreamTrust {

    private final RememberedChains trust;
    private final Map<List<String>, SslContext> byOffer = new ConcurrentHashMap<>();

    private UpstreamTrust(X509ExtendedTrustManager verifier) {
        this.trust = new RememberedChains(verifier);
    }

    /**
     * @param extraCaBundle a PEM file of additional trusted CAs, or {@code null}
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    public static UpstreamTrust create(String extraCaBundle) {
        return build(extraCaBundle, true);
    }

    /**
     * Trusts the CAs of {@code caBundle} alone, not the JDK's: a reverse listener's backends (README, "Reverse
     * proxy"), whose certificates a team's own CA issues; {@code null} trusts the JDK's roots alone.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    public static UpstreamTrust onlyFrom(String caBundle) {
        return caBundle == null ? build(null, true) : build(caBundle, false);
    }

    private static UpstreamTrust build(String extraCaBundle, boolean withJdkRoots) {
        try {
            KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
            roots.load(null, null);
            int index = 0;
            for (X509Certificate root : withJdkRoots ? jdkRoots() : new X509Certificate[0]) {
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
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager verifier) {
                    return new UpstreamTrust(verifier);
                }
            }
            throw new GeneralSecurityException("the platform's trust manager factory makes no X509ExtendedTrustManager");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build upstream trust"
                    + (extraCaBundle == null ? "" : " with " + extraCaBundle) + ": " + e.getMessage(), e);
        }
    }

    /** The context offering {@code protocols} (RFC 7301), in that order; not empty. */
    public SslContext context(List<String> protocols) {
        return byOffer.computeIfAbsent(List.copyOf(protocols), this::build);
    }

    private SslContext build(List<String> offer) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(TlsEngine.provider())
                    .trustManager(trust)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, offer))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context: " + e.getMessage(), e);
        }
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
