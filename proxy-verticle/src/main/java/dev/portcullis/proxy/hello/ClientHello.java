package dev.portcullis.proxy.hello;

import java.util.List;

/**
 * What a client's TLS ClientHello says about where it wants to go.
 *
 * @param tls  whether the first bytes were a TLS handshake at all
 * @param sni  the server_name (RFC 6066 §3), lower-cased, or {@code null} when absent
 * @param alpn the offered application protocols (RFC 7301), in the client's order
 * @param ech  whether it carries encrypted_client_hello (the real name is hidden)
 */
public record ClientHello(boolean tls, String sni, List<String> alpn, boolean ech) {

    /** The first bytes were not a TLS ClientHello. */
    public static final ClientHello NOT_TLS = new ClientHello(false, null, List.of(), false);

    public ClientHello {
        alpn = List.copyOf(alpn);
    }
}
