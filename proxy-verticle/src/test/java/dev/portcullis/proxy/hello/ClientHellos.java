package dev.portcullis.proxy.hello;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.nio.ByteBuffer;
import java.util.List;

/** Real ClientHello records, produced by the JDK's TLS client, for parser and peek tests. */
final class ClientHellos {

    private ClientHellos() {
    }

    /** The first TLS record a JDK client sends, with the given SNI (or none) and ALPN list. */
    static byte[] record(String sni, List<String> alpn) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (sni != null) {
            parameters.setServerNames(List.of(new SNIHostName(sni)));
        }
        parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    /** The handshake body inside a single-record ClientHello: without the 5-byte record and 4-byte handshake headers. */
    static byte[] body(byte[] record) {
        return java.util.Arrays.copyOfRange(record, 9, record.length);
    }
}
