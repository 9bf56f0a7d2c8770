package dev.portcullis.proxy.hello;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads SNI, ALPN and the ECH marker from a ClientHello handshake body, as Netty's
 * {@code SslClientHelloHandler} hands it over (after the handshake type and length; records already joined).
 * Netty extracts only the SNI and keeps that private, so the extension walk is written here (RFC 8446 §4.1.2).
 * Every length is checked against what remains; a malformed hello is reported, never read past.
 */
public final class ClientHelloParser {

    private static final int SERVER_NAME = 0;
    private static final int ALPN = 16;
    /** draft-ietf-tls-esni, as deployed. */
    private static final int ENCRYPTED_CLIENT_HELLO = 0xfe0d;
    private static final int HOST_NAME = 0;

    private ClientHelloParser() {
    }

    /**
     * @param body the ClientHello body; its reader index is not moved
     * @throws MalformedClientHelloException when a length runs past the end or a field is invalid
     */
    public static ClientHello parse(ByteBuf body) {
        Cursor in = new Cursor(body);
        in.skip(2 + 32);                  // legacy_version, random
        in.skip(in.u8());                 // legacy_session_id
        in.skip(in.u16());                // cipher_suites
        in.skip(in.u8());                 // legacy_compression_methods
        if (in.remaining() == 0) {
            return new ClientHello(true, null, List.of(), false);   // no extensions at all (old clients)
        }
        int extensionsEnd = in.position() + in.u16();
        in.require(extensionsEnd);
        String sni = null;
        List<String> alpn = List.of();
        boolean ech = false;
        Set<Integer> seen = new HashSet<>();
        while (in.position() < extensionsEnd) {
            int type = in.u16();
            if (!seen.add(type)) {
                // RFC 8446 §4.2: no more than one extension of each type; a server could honour another copy
                // than the one decided on.
                throw new MalformedClientHelloException("extension " + type + " appears twice");
            }
            int length = in.u16();
            int end = in.position() + length;
            in.require(end);
            if (type == SERVER_NAME) {
                sni = serverName(in, end);
            } else if (type == ALPN) {
                alpn = protocols(in, end);
            } else if (type == ENCRYPTED_CLIENT_HELLO) {
                ech = true;
            }
            in.seek(end);
        }
        return new ClientHello(true, sni, alpn, ech);
    }

    private static String serverName(Cursor in, int end) {
        int listEnd = in.position() + in.u16();
        in.require(listEnd);
        String name = null;
        while (in.position() < listEnd) {
            int type = in.u8();
            int length = in.u16();
            in.require(in.position() + length);
            if (type == HOST_NAME) {
                if (name != null) {
                    // RFC 6066 §3: at most one name of each type. A server may honour the second one, which is
                    // not the one decided on.
                    throw new MalformedClientHelloException("server_name lists more than one host_name");
                }
                name = in.ascii(length).toLowerCase(Locale.ROOT);
            } else {
                in.skip(length);
            }
        }
        if (in.position() != end) {
            throw new MalformedClientHelloException("server_name extension length mismatch");
        }
        return name;
    }

    private static List<String> protocols(Cursor in, int end) {
        int listEnd = in.position() + in.u16();
        in.require(listEnd);
        List<String> protocols = new ArrayList<>();
        while (in.position() < listEnd) {
            int length = in.u8();
            if (length == 0) {
                throw new MalformedClientHelloException("empty ALPN protocol name");
            }
            in.require(in.position() + length);
            protocols.add(in.ascii(length));
        }
        if (in.position() != end) {
            throw new MalformedClientHelloException("ALPN extension length mismatch");
        }
        return protocols;
    }

    /** Bounds-checked reading over a ByteBuf without moving its indices. */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int limit;
        private int position;

        Cursor(ByteBuf buf) {
            this.buf = buf;
            this.position = buf.readerIndex();
            this.limit = buf.writerIndex();
        }

        int position() {
            return position;
        }

        int remaining() {
            return limit - position;
        }

        void require(int end) {
            if (end > limit) {
                throw new MalformedClientHelloException("ClientHello field runs past its end");
            }
        }

        void seek(int target) {
            require(target);
            position = target;
        }

        void skip(int count) {
            seek(position + count);
        }

        int u8() {
            require(position + 1);
            return buf.getUnsignedByte(position++);
        }

        int u16() {
            require(position + 2);
            int value = buf.getUnsignedShort(position);
            position += 2;
            return value;
        }

        String ascii(int length) {
            require(position + length);
            for (int i = 0; i < length; i++) {
                byte b = buf.getByte(position + i);
                if (b <= 0x20 || b >= 0x7f) {
                    throw new MalformedClientHelloException("non-printable byte in a name");
                }
            }
            String text = buf.toString(position, length, StandardCharsets.US_ASCII);
            position += length;
            return text;
        }
    }
}
