package dev.portcullis.node.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.nio.charset.StandardCharsets;

/**
 * An origin that keeps every byte it receives, as received, and answers each request head (each CRLFCRLF) with
 * {@code 200} and a 2-byte body: a test can assert that not one byte of a refused request reached it, which an
 * HTTP server's request log cannot show (it would parse, and so hide, a smuggled second request).
 */
public final class RawOrigin implements AutoCloseable {

    private static final Buffer ANSWER = Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    private final NetServer server;
    private final StringBuffer received;

    private RawOrigin(NetServer server, StringBuffer received) {
        this.server = server;
        this.received = received;
    }

    /** Over TLS with a leaf for {@code names} issued by {@code ca}. */
    public static RawOrigin tls(Vertx vertx, TestCa ca, String... names) {
        return start(vertx, new NetServerOptions().setSsl(true).setKeyCertOptions(ca.issue(names).keyCertOptions()));
    }

    /** Plain TCP. */
    public static RawOrigin plain(Vertx vertx) {
        return start(vertx, new NetServerOptions());
    }

    private static RawOrigin start(Vertx vertx, NetServerOptions options) {
        StringBuffer received = new StringBuffer();
        NetServer server = vertx.createNetServer(options.setHost("127.0.0.1").setPort(0))
                .connectHandler(socket -> {
                    StringBuilder connection = new StringBuilder();
                    socket.handler(bytes -> {
                        String text = bytes.toString(StandardCharsets.ISO_8859_1);
                        received.append(text);
                        int before = count(connection);
                        connection.append(text);
                        for (int i = before; i < count(connection); i++) {
                            socket.write(ANSWER);
                        }
                    });
                })
                .listen()
                .await();
        return new RawOrigin(server, received);
    }

    private static int count(CharSequence text) {
        int heads = 0;
        for (int i = text.toString().indexOf("\r\n\r\n"); i >= 0; i = text.toString().indexOf("\r\n\r\n", i + 4)) {
            heads++;
        }
        return heads;
    }

    public int port() {
        return server.actualPort();
    }

    /** Every byte received so far, on all connections, as ISO-8859-1 text. */
    public String received() {
        return received.toString();
    }

    @Override
    public void close() {
        server.close().await();
    }
}
