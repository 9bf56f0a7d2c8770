package dev.portcullis.proxy.admit;

/**
 * What the client's bytes are known to be when its connection is admitted; it decides which checks apply besides
 * the connection decision.
 */
public sealed interface Payload {

    /** A CONNECT tunnel: its first bytes are read after the {@code 200} and checked then. */
    record Tunnel() implements Payload {
    }

    /** A ClientHello that has been read (transparent TLS); a decrypt rule inspects what follows. */
    record Tls() implements Payload {
    }

    /**
     * A plain-HTTP request whose head has been read: under a decrypt rule it is already readable, so the rule's
     * {@code http} entries decide it before a byte goes upstream, as they would after decryption.
     *
     * @param method the request method
     * @param path    the path without the query
     * @param headers the request's headers, for entries that match on them
     */
    record PlainHttp(String method, String path, io.netty.handler.codec.http.HttpHeaders headers) implements Payload {
    }

    /**
     * Bytes that can be neither decrypted nor read as HTTP (a server-first protocol, an SSH banner): a decrypt
     * rule's {@code non-tls} action applies before anything is dialled.
     *
     * @param why what the bytes are, the start of a refusal's reason
     */
    record Opaque(String why) implements Payload {
    }
}
