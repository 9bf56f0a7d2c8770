package dev.portcullis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Layers TLS over an open socket, trusting only the certificates of one PEM file and checking the host name. Every
 * handshake is full: each uses a new {@link SSLContext}, whose client session cache is empty, so neither session ids
 * nor TLS 1.3 tickets are offered. Thread-safe.
 */
final class TlsClient {

    private final TrustManager[] trustManagers;
    private final SecureRandom random = new SecureRandom();

    private TlsClient(TrustManager[] trustManagers) {
        this.trustManagers = trustManagers;
    }

    /**
     * A client trusting the certificates in {@code caFile}.
     *
     * @throws IOException naming the file when it cannot be read or holds no certificate
     */
    static TlsClient trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IOException("no certificate in " + caFile);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return new TlsClient(factory.getTrustManagers());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caFile + " as a trust store: " + e.getMessage(), e);
        }
    }

    /**
     * Completes a TLS handshake over {@code socket} for {@code host}, sending it as SNI (the JDK omits SNI for names
     * without a dot, such as {@code localhost}, unless it is set explicitly) and verifying the certificate names it.
     * Closing the returned socket closes {@code socket}.
     *
     * @param timeoutMillis read timeout for the handshake and what follows
     * @throws IOException if the handshake fails or times out
     */
    SSLSocket handshake(Socket socket, String host, int port, int timeoutMillis) throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers, random);
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot create a TLS context: " + e.getMessage(), e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.setTcpNoDelay(true);
        ssl.setSoTimeout(timeoutMillis);
        ssl.startHandshake();
        return ssl;
    }
}
