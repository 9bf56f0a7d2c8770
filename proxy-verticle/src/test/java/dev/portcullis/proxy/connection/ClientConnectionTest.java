package dev.portcullis.proxy.connection;

import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.request.BadRequestException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The client side of a connection on real loopback sockets: what it answers, what it closes, what it records. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientConnectionTest {

    @TempDir
    Path dir;

    private Vertx vertx;
    private AccessLog log;
    private Path logFile;
    private NetServer proxy;
    private volatile Consumer<ClientConnection> onAccept;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        logFile = dir.resolve("access.log");
        log = AccessLog.open(logFile.toString());
        proxy = vertx.createNetServer()
                .connectHandler(socket -> onAccept.accept(new ClientConnection(vertx, socket, log, "test", "explicit")))
                .listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        log.close();
    }

    private NetSocket connect() {
        return vertx.createNetClient().connect(proxy.actualPort(), "127.0.0.1").await();
    }

    private List<String> records(int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
            if (lines.size() >= atLeast) {
                break;
            }
            Thread.sleep(20);
        }
        // A little longer, so a second record would have had time to appear.
        Thread.sleep(200);
        return Files.readAllLines(logFile);
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
        List<String> lines = records(1);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("\"status\":431").contains("\"reason\":\"header block over 32768 bytes\"");
    }

    @Test
    void anUpstreamHeldForAClientIsClosedWhenTheClientLeaves() throws Exception {
        AtomicInteger upstreamClosed = new AtomicInteger();
        NetServer origin = vertx.createNetServer()
                .connectHandler(socket -> socket.closeHandler(closed -> upstreamClosed.incrementAndGet()))
                .listen(0, "127.0.0.1").await();
        CompletableFuture<Void> held = new CompletableFuture<>();
        onAccept = connection -> {
            connection.whileOpen("client closed before its first bytes");
            vertx.createNetClient().connect(origin.actualPort(), "127.0.0.1").onSuccess(upstream -> {
                connection.holdUpstream(upstream);
                held.complete(null);
            });
        };
        NetSocket client = connect();
        held.get(5, TimeUnit.SECONDS);

        client.close().await();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (upstreamClosed.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(upstreamClosed).as("the origin saw the held upstream close").hasValue(1);
        assertThat(records(1)).singleElement().asString().contains("client closed before its first bytes");
    }
}
