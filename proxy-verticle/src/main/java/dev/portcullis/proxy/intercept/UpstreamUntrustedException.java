package dev.portcullis.proxy.intercept;

import javax.net.ssl.SSLException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/** The server's certificate failed verification; nothing is minted for it. The message says why, plainly. */
public final class UpstreamUntrustedException extends RuntimeException {

    public UpstreamUntrustedException(String message) {
        super(message, null, false, false);
    }

    /** Names the reason a TLS handshake with the upstream failed, from the JDK's exception chain. */
    public static RuntimeException from(Throwable failure, String name) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return new UpstreamUntrustedException("upstream certificate for " + name + " has expired");
            }
            if (cause instanceof CertificateNotYetValidException) {
                return new UpstreamUntrustedException("upstream certificate for " + name + " is not yet valid");
            }
            String message = String.valueOf(cause.getMessage());
            if (message.contains("unable to find valid certification path")) {
                return new UpstreamUntrustedException("upstream certificate for " + name
                        + " is not trusted (self-signed or unknown issuer)");
            }
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return new UpstreamUntrustedException("upstream certificate does not name " + name);
            }
        }
        if (failure instanceof SSLException) {
            return new UpstreamUntrustedException("TLS with upstream " + name + " failed: " + failure.getMessage());
        }
        return failure instanceof RuntimeException runtime ? runtime : new RuntimeException(failure);
    }
}
