package dev.portcullis.proxy.request;

import io.vertx.core.buffer.Buffer;

/** The client's first line cannot begin an HTTP request; carries the bytes read, for whoever takes over. */
public final class NotHttpException extends RuntimeException {

    private final transient Buffer bytes;

    public NotHttpException(Buffer bytes) {
        super("first bytes are neither a TLS ClientHello nor an HTTP request", null, false, false);
        this.bytes = bytes;
    }

    /** Everything the client sent so far. */
    public Buffer bytes() {
        return bytes;
    }
}
