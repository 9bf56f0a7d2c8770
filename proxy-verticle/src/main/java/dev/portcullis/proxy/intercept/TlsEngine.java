package dev.portcullis.proxy.intercept;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Which TLS implementation intercepted connections use: BoringSSL (netty-tcnative) when it loads, else the
 * JDK's. Measured on this project's bench, the JDK's pure-Java P-256 and X25519 arithmetic was most of the CPU
 * of a new decrypted connection; certificate verification stays with the JDK trust manager either way.
 */
public final class TlsEngine {

    private TlsEngine() {
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
}
