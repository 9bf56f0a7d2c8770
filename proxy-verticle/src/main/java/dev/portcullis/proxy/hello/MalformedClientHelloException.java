package dev.portcullis.proxy.hello;

/** The first bytes were a TLS handshake record, but the ClientHello inside does not parse. */
public final class MalformedClientHelloException extends RuntimeException {

    public MalformedClientHelloException(String message) {
        super(message, null, false, false);
    }
}
