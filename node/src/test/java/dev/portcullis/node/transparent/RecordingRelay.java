package dev.portcullis.node.transparent;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on {@code 127.0.0.1} in front of a real origin that keeps the first bytes each connection sent
 * towards it (up to {@link #KEPT} bytes), so a test can look at the ClientHello a real client sent through a
 * splice (e.g. whether Chromium put an {@code encrypted_client_hello} extension in it) while the TLS session
 * still reaches the origin untouched.
 */
final class RecordingRelay implements AutoCloseable {

    /** More than any ClientHello the proxy accepts (16 KiB). */
    static final int KEPT = 20 * 1024;

    private final NetServer server;
    private final NetClient client;
    private final List<Buffer> received = new CopyOnWriteArrayList<>();

    private RecordingRelay(NetServer server, NetClient client) {
        this.server = server;
        this.client = client;
    }

    /** Listens on an ephemeral port of 127.0.0.1 and relays every connection to 127.0.0.1:{@code targetPort}. */
    static RecordingRelay start(Vertx vertx, int targetPort) {
        NetClient client = vertx.createNetClient();
        RecordingRelay[] self = new RecordingRelay[1];
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(inbound -> {
                    Buffer first = Buffer.buffer();
                    self[0].received.add(first);
                    inbound.pause();
                    client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
                        if (connected.failed()) {
                            inbound.close();
                            return;
                        }
                        relay(inbound, connected.result(), first);
                    });
                });
        self[0] = new RecordingRelay(server, client);
        server.listen().await();
        return self[0];
    }

    private static void relay(NetSocket inbound, NetSocket outbound, Buffer first) {
        outbound.pipeTo(inbound);
        inbound.handler(bytes -> {
            if (first.length() < KEPT) {
                first.appendBuffer(bytes.slice(0, Math.min(bytes.length(), KEPT - first.length())));
            }
            outbound.write(bytes);
            if (outbound.writeQueueFull()) {
                inbound.pause();
                outbound.drainHandler(drained -> inbound.resume());
            }
        });
        inbound.endHandler(ended -> outbound.end());
        inbound.closeHandler(closed -> outbound.close());
        inbound.resume();
    }

    int port() {
        return server.actualPort();
    }

    /** The first bytes of every connection so far, oldest first (a copy). */
    List<byte[]> firstBytes() {
        return received.stream().map(Buffer::getBytes).toList();
    }

    @Override
    public void close() {
        server.close().await();
        client.close().await();
    }
}
