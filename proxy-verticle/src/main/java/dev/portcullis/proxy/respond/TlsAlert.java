package dev.portcullis.proxy.respond;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A fatal TLS alert record sent before any handshake keys exist, which is how a server refuses a ClientHello
 * (RFC 8446 §6; alerts before the ServerHello are plaintext).
 */
public final class TlsAlert {

    /** The connection cannot be served with the parameters offered; what we send for refused names. */
    public static final int HANDSHAKE_FAILURE = 40;
    /** RFC 8446 §6.2: the name in the ClientHello is not one this server will serve. */
    public static final int UNRECOGNIZED_NAME = 112;
    /** The upstream could not be verified; nothing was minted. */
    public static final int BAD_CERTIFICATE = 42;
    /** A part of the fleet (ca role) is missing. */
    public static final int INTERNAL_ERROR = 80;
    /** Malformed ClientHello. */
    public static final int DECODE_ERROR = 50;
    /**
     * RFC 7301 §3.2: the client offers no application protocol the gateway can speak with it (a client offering
     * only {@code h2} to a server that speaks only HTTP/1.1).
     */
    public static final int NO_APPLICATION_PROTOCOL = 120;
    /** A policy says no. */
    public static final int ACCESS_DENIED = 49;

    private TlsAlert() {
    }

    /** The five-byte record header and the two-byte fatal alert, version TLS 1.2 as 1.3 servers send it. */
    public static ByteBuf fatal(int description) {
        return Unpooled.wrappedBuffer(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, (byte) description});
    }
}
