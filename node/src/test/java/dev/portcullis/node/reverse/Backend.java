package dev.portcullis.node.reverse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-HTTP backend on a fixed loopback port that can be stopped and started again on it (a backend that
 * dies and comes back): answers {@code /} with its name, {@code /health} with 200, {@code /headers} with the
 * request's fields, and echoes WebSocket text. Remembers every request as "METHOD /path".
 */
final class Backend implements AutoCloseable {

    private final Vertx vertx;
    private final String name;
    private final int port;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    Backend(Vertx vertx, String name, int port) {
        this.vertx = vertx;
        this.name = name;
        this.port = port;
    }

    Backend start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .webSocketHandler(socket -> {
                    requests.add("WEBSOCKET " + socket.path());
                    socket.textMessageHandler(text -> socket.writeTextMessage(name + ": " + text));
                })
                .requestHandler(request -> {
                    if (!request.path().equals("/health")) {
                        requests.add(request.method().name() + " " + request.path());
                    }
                    if (request.path().equals("/headers")) {
                        StringBuilder fields = new StringBuilder();
                        request.headers().forEach(field -> fields.append(field.getKey().toLowerCase(Locale.ROOT))
                                .append(": ").append(field.getValue()).append('\n'));
                        request.response().end(fields.toString());
                    } else if (request.path().equals("/health")) {
                        request.response().end("ok");
                    } else {
                        request.response().putHeader("content-type", "text/plain").end(name);
                    }
                })
                .listen()
                .await();
        return this;
    }

    /** Stops listening and closes its connections: the backend is gone. */
    void stop() {
        server.close().await();
        server = null;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
    }
}
