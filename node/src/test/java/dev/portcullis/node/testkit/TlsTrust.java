package dev.portcullis.node.testkit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * A TLS client context that trusts one root and nothing else: how a test client trusts the gateway's root for
 * decrypted connections, as a user's client would after installing it (and never the JDK's roots as well).
 */
public final class TlsTrust {

    private TlsTrust() {
    }

    /** @param rootPem one certificate, PEM (the gateway's {@code /ca.pem}, or its ca role's root) */
    public static SSLContext only(String rootPem) throws GeneralSecurityException {
        return only((X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII))));
    }

    public static SSLContext only(X509Certificate root) throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("root", root);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store: " + e.getMessage(), e);
        }
    }
}
