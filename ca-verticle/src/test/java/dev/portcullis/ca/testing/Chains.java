package dev.portcullis.ca.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Reads PEM chains back and checks them the way a TLS client would. */
public final class Chains {

    private Chains() {
    }

    public static List<X509Certificate> parse(String pem) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) certificate);
            }
            return chain;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Validates the chain as a TLS server's with the JDK's PKIX trust manager trusting only {@code root}.
     *
     * @throws java.security.cert.CertificateException when the chain does not validate
     */
    public static void validateAsServer(List<X509Certificate> chain, X509Certificate root) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        X509TrustManager manager = (X509TrustManager) factory.getTrustManagers()[0];
        String authType = chain.get(0).getPublicKey().getAlgorithm().equals("EC") ? "ECDHE_ECDSA" : "ECDHE_RSA";
        manager.checkServerTrusted(chain.toArray(new X509Certificate[0]), authType);
    }
}
