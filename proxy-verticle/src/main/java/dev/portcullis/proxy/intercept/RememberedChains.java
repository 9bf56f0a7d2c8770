package dev.portcullis.proxy.intercept;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The upstream trust manager, remembering each chain it verified for a server name until the chain's first
 * certificate expires, or {@link #REMEMBER_AT_MOST} has passed (README, "Decrypt inspection"). Most decrypted
 * connections go to servers the gateway reached moments before, and the JDK's chain validation (pure-Java
 * signature checks) is the largest part of a new connection's CPU that is the gateway's own. What is skipped is
 * only the repeat of a check that passed: the same certificate bytes, for the same name, verified the same way.
 * That the server holds the leaf's key is still proven by every handshake (its CertificateVerify, RFC 8446
 * §4.4.3), which the TLS engine checks and this class does not see. A chain that failed is never remembered, and
 * a different chain for the same name is verified in full.
 */
final class RememberedChains extends X509ExtendedTrustManager {

    /** Ten minutes: a bound on reuse beside the certificates' own expiry, as a resumed TLS session has one. */
    static final Duration REMEMBER_AT_MOST = Duration.ofMinutes(10);
    private static final int MAX_CHAINS = 10_000;

    private final X509ExtendedTrustManager verifier;
    private final Cache<Verification, Long> verified;

    /** @param verifier the trust manager whose answers are remembered */
    RememberedChains(X509ExtendedTrustManager verifier) {
        this.verifier = verifier;
        this.verified = Caffeine.newBuilder().maximumSize(MAX_CHAINS)
                .expireAfter(Expiry.<Verification, Long>writing((verification, notAfterMs) -> untilFirstExpiry(notAfterMs)))
                .build();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        Verification verification = Verification.of(chain, authType, engine);
        if (verification != null && verified.getIfPresent(verification) != null
                && System.currentTimeMillis() < verification.notAfterMs()) {
            return;
        }
        verifier.checkServerTrusted(chain, authType, engine);
        if (verification != null) {
            verified.put(verification, verification.notAfterMs());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifier.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifier.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifier.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.getAcceptedIssuers();
    }

    /**
     * What a verification depended on: the name checked (the engine's peer host and the SNI it sent), the
     * identification algorithm, the key exchange's auth type, and every certificate's bytes (by SHA-256).
     */
    private record Verification(String peerHost, List<SNIServerName> serverNames, String identification,
                                String authType, ByteBuffer chainDigest, long notAfterMs) {

        /** @return {@code null} when the chain cannot be keyed (then it is verified every time) */
        static Verification of(X509Certificate[] chain, String authType, SSLEngine engine) {
            if (chain == null || chain.length == 0 || engine == null) {
                return null;
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long notAfter = Long.MAX_VALUE;
                for (X509Certificate certificate : chain) {
                    byte[] der = certificate.getEncoded();
                    digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(der.length).flip());
                    digest.update(der);
                    notAfter = Math.min(notAfter, certificate.getNotAfter().getTime());
                }
                SSLParameters parameters = engine.getSSLParameters();
                List<SNIServerName> names = parameters.getServerNames() == null ? List.of()
                        : List.copyOf(parameters.getServerNames());
                return new Verification(engine.getPeerHost(), names,
                        parameters.getEndpointIdentificationAlgorithm(), authType,
                        ByteBuffer.wrap(digest.digest()), notAfter);
            } catch (CertificateEncodingException | NoSuchAlgorithmException | RuntimeException e) {
                return null;
            }
        }
    }

    private static Duration untilFirstExpiry(long notAfterMs) {
        Duration untilExpiry = Duration.ofMillis(Math.max(0, notAfterMs - System.currentTimeMillis()));
        return untilExpiry.compareTo(REMEMBER_AT_MOST) < 0 ? untilExpiry : REMEMBER_AT_MOST;
    }
}
