package dev.portcullis.proxy.intercept;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Which TLS implementation intercepted connections use: BoringSSL (netty-tcnative) when it loads, else the
 * JDK's. Measured on this project's bench, the JDK's pure-Java P-256 and X25519 arithmetic was most of the CPU
 * of a new decrypted connection; certificate verification stays with the JDK trust manager either way.
 */
public final class TlsEngine {

    private static final TrustManagerFactory NO_CLIENT_CERTIFICATES = trustingNothing();

    private TlsEngine() {
    }

    /**
     * For the server contexts built here, which never ask the client for a certificate. Without one, Netty builds
     * the JDK's default trust manager for every context, reading and parsing the platform's CA store: about 6 ms
     * of a leaf issuance's 7 measured on this machine. An empty store also means a certificate a client sends
     * unasked is trusted by nothing.
     */
    public static TrustManagerFactory noClientCertificates() {
        return NO_CLIENT_CERTIFICATES;
    }

    /** For Netty contexts built here (the minted server side). */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** For Vert.x clients (the upstream side). */
    public static SSLEngineOptions vertxEngine() {
        return OpenSsl.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** A word for the start-up log. */
    public static String describe() {
        return OpenSsl.isAvailable() ? "BoringSSL " + OpenSsl.versionString()
                : "JDK (BoringSSL unavailable: " + OpenSsl.unavailabilityCause() + ")";
    }

    private static TrustManagerFactory trustingNothing() {
        try {
            KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
            empty.load(null, null);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(empty);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the platform's default trust manager cannot be made", e);
        }
    }
}
