package dev.portcullis.node.transparent;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP origin that answers nothing and keeps every byte each connection sent, so a test can compare what
 * reached the origin with what the client wrote (the ClientHello's random included), or see that nothing came.
 */
final class CapturingOrigin implements AutoCloseable {

    private final NetServer server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Buffer> received = new CopyOnWriteArrayList<>();

    private CapturingOrigin(NetServer server) {
        this.server = server;
    }

    /** Listens on {@code host}:{@code port} ({@code 0} for an ephemeral port). */
    static CapturingOrigin start(Vertx vertx, String host, int port) {
        CapturingOrigin[] self = new CapturingOrigin[1];
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port))
                .connectHandler(socket -> {
                    self[0].connections.incrementAndGet();
                    Buffer bytes = Buffer.buffer();
                    self[0].received.add(bytes);
                    socket.handler(bytes::appendBuffer);
                });
        self[0] = new CapturingOrigin(server);
        server.listen().await();
        return self[0];
    }

    int port() {
        return server.actualPort();
    }

    /** How many connections reached this origin. */
    int connections() {
        return connections.get();
    }

    /** The bytes of the latest connection so far, or an empty array when none came. */
    byte[] latestBytes() {
        return received.isEmpty() ? new byte[0] : received.get(received.size() - 1).getBytes();
    }

    @Override
    public void close() {
        server.close().await();
    }
}
