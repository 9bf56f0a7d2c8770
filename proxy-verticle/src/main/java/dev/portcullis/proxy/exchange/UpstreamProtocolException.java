package dev.portcullis.proxy.exchange;

/** The upstream sent what its codec cannot read as an HTTP/1.1 response (502, RFC 9209 {@code http_protocol_error}). */
public final class UpstreamProtocolException extends RuntimeException {

    public UpstreamProtocolException(String message) {
        super(message, null, false, false);
    }
}
