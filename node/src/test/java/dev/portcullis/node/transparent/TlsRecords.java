package dev.portcullis.node.transparent;

import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloParser;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;

/** Reads the ClientHello out of the first bytes a client sent (TLS records, RFC 8446 §5.1), for assertions. */
final class TlsRecords {

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;

    private TlsRecords() {
    }

    /**
     * Joins the leading handshake records of {@code bytes} and parses the ClientHello they carry with the proxy's
     * own parser.
     *
     * @throws AssertionError when the bytes do not start with a whole ClientHello
     */
    static ClientHello clientHello(byte[] bytes) {
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        int at = 0;
        while (at + 5 <= bytes.length && (bytes[at] & 0xff) == HANDSHAKE) {
            int length = u16(bytes, at + 3);
            if (at + 5 + length > bytes.length) {
                break;
            }
            handshake.write(bytes, at + 5, length);
            at += 5 + length;
            byte[] joined = handshake.toByteArray();
            if (joined.length >= 4 && joined.length >= 4 + u24(joined, 1)) {
                if ((joined[0] & 0xff) != CLIENT_HELLO) {
                    throw new AssertionError("the first handshake message is type " + (joined[0] & 0xff));
                }
                return ClientHelloParser.parse(Unpooled.wrappedBuffer(joined, 4, u24(joined, 1)));
            }
        }
        throw new AssertionError("no whole ClientHello in the first " + bytes.length + " bytes");
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }

    private static int u24(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 16 | u16(bytes, at + 1);
    }
}
