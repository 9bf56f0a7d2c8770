package dev.portcullis.proxy.connection;

import dev.portcullis.proxy.LimitOptions;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.request.BadRequestException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The client side of a connection on real loopback sockets: what it answers, what it closes, what it records. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientConnectionTest {

    /** The default limits: far above what a test opens. */
    private static final ConnectionLimits LIMITS = new ConnectionLimits(new LimitOptions());

    private Vertx vertx;
    /** One client for the test, held: Vert.x 5 closes an unreachable client and its connections at a GC. */
    private NetClient netClient;
    private AccessLog log;
    private NetServer proxy;
    private volatile Consumer<ClientConnection> onAccept;
    /** The access records as the logger receives them: synchronously, from the connection's event loop. */
    private final List<String> records = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        netClient = vertx.createNetClient();
        log = AccessLog.capturing(record -> records.add(record.encode()));
        proxy = vertx.createNetServer()
                .connectHandler(socket -> onAccept.accept(new ClientConnection(vertx, socket, log, LIMITS, "test", "explicit")))
                .listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        log.close();
    }

    private NetSocket connect() {
        return netClient.connect(proxy.actualPort(), "127.0.0.1").await();
    }

    @Test
    void aRefusalIsAnsweredWithItsStatusAndProxyStatusAndRecordedOnce() throws Exception {
        // Refused on its first bytes, so the client's handlers are in place before the answer comes.
        onAccept = connection -> connection.socket().handler(bytes -> {
            connection.refuse(new BadRequestException(431, "header block over 32768 bytes"));
            connection.finish("a later stage finishing again");
        });
        CompletableFuture<String> answer = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        NetSocket client = connect();
        client.handler(received::appendBuffer);
        client.closeHandler(closed -> answer.complete(received.toString()));
        client.write("GET / HTTP/1.1\r\n");

        String response = answer.get(5, TimeUnit.SECONDS);

        assertThat(response).startsWith("HTTP/1.1 431 ")
                .contains("Proxy-Status: portcullis; error=http_request_error")
                .contains("header block over 32768 bytes");
        // Written before the answer, and the second finish ran right after in the same handler.
        assertThat(records).hasSize(1);
        assertThat(records.get(0)).contains("\"status\":431").contains("\"reason\":\"header block over 32768 bytes\"");
    }

    @Test
    void anUpstreamHeldForAClientIsClosedWhenTheClientLeaves() throws Exception {
        AtomicInteger upstreamClosed = new AtomicInteger();
        CompletableFuture<Void> originSawClose = new CompletableFuture<>();
        NetServer origin = vertx.createNetServer()
                .connectHandler(socket -> socket.closeHandler(closed -> {
                    upstreamClosed.incrementAndGet();
                    originSawClose.complete(null);
                }))
                .listen(0, "127.0.0.1").await();
        CompletableFuture<Void> held = new CompletableFuture<>();
        onAccept = connection -> {
            connection.whileOpen("client closed before its first bytes");
            netClient.connect(origin.actualPort(), "127.0.0.1").onSuccess(upstream -> {
                connection.holdUpstream(upstream);
                held.complete(null);
            });
        };
        NetSocket client = connect();
        held.get(5, TimeUnit.SECONDS);

        client.close().await();

        originSawClose.get(5, TimeUnit.SECONDS);
        assertThat(upstreamClosed).as("the origin saw the held upstream close").hasValue(1);
        // The record is written as the client's close is handled, before the upstream is closed.
        assertThat(records).singleElement().asString().contains("client closed before its first bytes");
    }
}
