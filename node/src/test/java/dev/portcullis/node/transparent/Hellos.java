package dev.portcullis.node.transparent;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** ClientHello records as real clients send them (the JDK's), and the odd ones no well-behaved client sends. */
final class Hellos {

    /** draft-ietf-tls-esni: the extension that hides the real name. */
    private static final int ENCRYPTED_CLIENT_HELLO = 0xfe0d;

    private Hellos() {
    }

    /** The first TLS record a JDK client sends for {@code sni} ({@code null}: no server_name at all). */
    static byte[] jdk(String sni) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /**
     * {@code sni}'s ClientHello with an outer {@code encrypted_client_hello} extension appended (RFC draft §5:
     * type outer, HKDF-SHA256 / AES-128-GCM, config id, a 32-byte enc and a 64-byte payload). The name in
     * {@code server_name} is then only the public outer name.
     */
    static byte[] withEch(String sni) throws Exception {
        ByteArrayOutputStream ech = new ByteArrayOutputStream();
        ech.write(new byte[] {0x00, 0x00, 0x01, 0x00, 0x01, 0x07, 0x00, 0x20});
        ech.write(new byte[32]);
        ech.write(new byte[] {0x00, 0x40});
        ech.write(new byte[64]);
        return appendExtension(jdk(sni), ENCRYPTED_CLIENT_HELLO, ech.toByteArray());
    }

    /**
     * A JDK ClientHello without SNI, given one server_name extension listing two host_names (RFC 6066 §3 allows
     * one): a gateway deciding the first while the server honours the second would be bypassed.
     */
    static byte[] withTwoServerNames(String first, String second) throws Exception {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String name : new String[] {first, second}) {
            byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            names.write(0);
            names.write(ascii.length >> 8);
            names.write(ascii.length);
            names.write(ascii);
        }
        ByteArrayOutputStream extension = new ByteArrayOutputStream();
        extension.write(names.size() >> 8);
        extension.write(names.size());
        extension.write(names.toByteArray());
        return appendExtension(jdk(null), 0, extension.toByteArray());
    }

    /** One whole 16 KiB record whose handshake message claims more than the gateway's 16 KiB limit. */
    static byte[] oversized() {
        ByteBuffer huge = ByteBuffer.allocate(5 + 0x4000);
        huge.put(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00, 0x01});
        int length = 16 * 1024 + 100;
        huge.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        return huge.array();
    }

    /** Adds one extension at the end of a single-record ClientHello, fixing the three lengths that contain it. */
    private static byte[] appendExtension(byte[] record, int type, byte[] data) {
        int added = 4 + data.length;
        ByteBuffer in = ByteBuffer.wrap(record);
        int body = 9;
        int at = body + 2 + 32;
        at += 1 + (in.get(at) & 0xff);                      // legacy_session_id
        at += 2 + (in.getShort(at) & 0xffff);               // cipher_suites
        at += 1 + (in.get(at) & 0xff);                      // legacy_compression_methods
        int extensionsLength = in.getShort(at) & 0xffff;
        ByteBuffer out = ByteBuffer.allocate(record.length + added);
        out.put(record);
        out.putShort(3, (short) ((in.getShort(3) & 0xffff) + added));
        int handshakeLength = ((record[6] & 0xff) << 16 | (record[7] & 0xff) << 8 | (record[8] & 0xff)) + added;
        out.put(6, (byte) (handshakeLength >>> 16)).put(7, (byte) (handshakeLength >>> 8))
                .put(8, (byte) handshakeLength);
        out.putShort(at, (short) (extensionsLength + added));
        out.position(record.length);
        out.putShort((short) type).putShort((short) data.length).put(data);
        return out.array();
    }
}
