package dev.portcullis.node.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream server for tests on {@code 127.0.0.1} and an ephemeral port: HTTPS with a leaf from its own
 * {@link TestCa} for the given names, or plain HTTP.
 *
 * <p>It answers:
 * <ul>
 *   <li>{@code GET /} with {@code "hello from <name>"} ({@link #body()}), where name is the first name given;</li>
 *   <li>{@code GET /bytes/N} with N bytes (0 ≤ N ≤ 1 GiB) of a repeating {@code a-z} pattern, streamed;</li>
 *   <li>{@code /echo} with the request body, streamed back chunked;</li>
 *   <li>{@code /stall} never: it does not read the request body (a slow upstream reader);</li>
 *   <li>{@code /headers} with the request's header fields, one {@code name: value} line each, names lower-cased;</li>
 *   <li>a WebSocket upgrade on any path, echoing every text message;</li>
 *   <li>anything else with 404.</li>
 * </ul>
 * It counts the TCP connections it accepted ({@link #connections()}), so a test can assert that a denied request
 * never reached it; a connection counts as soon as it is accepted, whether or not any byte or TLS handshake
 * follows.
 *
 * <p>Start and close from a test thread (they block), never from an event loop.
 */
public final class TestOrigin implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;
    private static final long MAX_BYTES = 1L << 30;
    /** Bytes of {@code /bytes/N} bodies handed to the server so far, by all origins: a slow reader's measure. */
    private static final java.util.concurrent.atomic.AtomicLong STREAMED = new java.util.concurrent.atomic.AtomicLong();

    private final String name;
    private final TestCa ca;
    private final HttpServer server;
    private final NetServer front;
    private final NetClient relay;
    private final AtomicInteger connections;
    private final List<String> requests;
    private final List<String> heads;
    private final List<String> versions;

    private TestOrigin(String name, TestCa ca, HttpServer server, NetServer front, NetClient relay,
                       AtomicInteger connections, List<String> requests, List<String> heads, List<String> versions) {
        this.name = name;
        this.ca = ca;
        this.server = server;
        this.front = front;
        this.relay = relay;
        this.connections = connections;
        this.requests = requests;
        this.heads = heads;
        this.versions = versions;
    }

    /** Starts an HTTPS origin with a new test CA and a leaf for {@code names} (the first is its name). */
    public static TestOrigin https(Vertx vertx, String... names) {
        return https(vertx, TestCa.create("Portcullis Test Origin CA"), names);
    }

    /** Starts an HTTPS origin whose leaf for {@code names} is issued by {@code ca}. */
    public static TestOrigin https(Vertx vertx, TestCa ca, String... names) {
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(ca.issue(names).keyCertOptions());
        return start(vertx, options, names[0], ca);
    }

    /**
     * Starts an HTTPS origin that offers {@code h2} and {@code http/1.1} by ALPN (RFC 7301), preferring h2, with a
     * leaf for {@code names} issued by {@code ca}; {@link #requestVersions()} says what each request spoke.
     */
    public static TestOrigin httpsH2(Vertx vertx, TestCa ca, String... names) {
        return httpsH2(vertx, ca, new Http2Settings(), names);
    }

    /** As {@link #httpsH2(Vertx, TestCa, String...)}, sending {@code settings} (e.g. few concurrent streams). */
    public static TestOrigin httpsH2(Vertx vertx, TestCa ca, Http2Settings settings, String... names) {
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setInitialSettings(settings)
                .setKeyCertOptions(ca.issue(names).keyCertOptions());
        return start(vertx, options, names[0], ca);
    }

    /**
     * Starts an HTTPS origin serving {@code leaf} as is (e.g. {@link TestCa#selfSigned} or an expired leaf);
     * {@link #ca()} is {@code null} then.
     */
    public static TestOrigin https(Vertx vertx, TestCa.Leaf leaf, String name) {
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(leaf.keyCertOptions());
        return start(vertx, options, name, null);
    }

    /** Starts a plain-HTTP origin called {@code name}. */
    public static TestOrigin http(Vertx vertx, String name) {
        return start(vertx, new HttpServerOptions(), name, null);
    }

    private static TestOrigin start(Vertx vertx, HttpServerOptions options, String name, TestCa ca) {
        String body = "hello from " + name;
        List<String> requests = new CopyOnWriteArrayList<>();
        List<String> heads = new CopyOnWriteArrayList<>();
        List<String> versions = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0))
                .webSocketHandshakeHandler(handshake -> {
                    requests.add("WEBSOCKET " + handshake.path());
                    handshake.accept();
                })
                .webSocketHandler(socket -> socket.textMessageHandler(socket::writeTextMessage))
                .requestHandler(request -> {
                    requests.add(request.method().name() + " " + request.path());
                    versions.add(request.version().name());
                    heads.add(request.method().name() + " " + request.uri() + " Host: "
                            + String.join(", ", request.headers().getAll("Host")));
                    answer(request, body);
                })
                .listen()
                .await();
        // An HttpServer reports a connection only after its TLS handshake, so a peer that connects and sends
        // nothing (or no TLS) would go unseen. A plain TCP front counts every accept and relays the bytes.
        AtomicInteger connections = new AtomicInteger();
        NetClient relay = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        NetServer front = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)
                        .setTcpNoDelay(true))
                .connectHandler(inbound -> {
                    connections.incrementAndGet();
                    inbound.pause();
                    relay.connect(server.actualPort(), "127.0.0.1").onComplete(connected -> {
                        if (connected.failed()) {
                            inbound.close();
                            return;
                        }
                        NetSocket outbound = connected.result();
                        outbound.pipeTo(inbound);
                        inbound.pipeTo(outbound);
                    });
                })
                .listen()
                .await();
        return new TestOrigin(name, ca, server, front, relay, connections, requests, heads, versions);
    }

    private static void answer(HttpServerRequest request, String body) {
        String path = request.path();
        HttpServerResponse response = request.response();
        if (path.equals("/echo")) {
            // Echoes the request body, streamed back with back-pressure, so bodies can be checked end to end.
            response.putHeader("content-type", "application/octet-stream").setChunked(true);
            request.pipeTo(response);
        } else if (path.equals("/stall")) {
            // Never reads the request body: its sender must be held back by flow control, not buffered for.
            request.pause();
        } else if (path.equals("/headers")) {
            StringBuilder fields = new StringBuilder();
            request.headers().forEach(field -> fields.append(field.getKey().toLowerCase(java.util.Locale.ROOT))
                    .append(": ").append(field.getValue()).append('\n'));
            response.putHeader("content-type", "text/plain").end(fields.toString());
        } else if (path.equals("/")) {
            response.putHeader("content-type", "text/plain").end(body);
        } else if (path.startsWith("/bytes/")) {
            long size = parseSize(path.substring("/bytes/".length()));
            if (size < 0) {
                response.setStatusCode(400).end("size must be 0-" + MAX_BYTES);
            } else {
                response.putHeader("content-length", Long.toString(size))
                        .putHeader("content-type", "application/octet-stream");
                stream(response, size);
            }
        } else {
            response.setStatusCode(404).end("not found");
        }
    }

    private static long parseSize(String text) {
        try {
            long size = Long.parseLong(text);
            return size >= 0 && size <= MAX_BYTES ? size : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Writes {@code remaining} bytes with back-pressure: pause on a full write queue, go on when it drains. */
    private static void stream(HttpServerResponse response, long remaining) {
        while (remaining > 0) {
            int size = (int) Math.min(CHUNK, remaining);
            response.write(pattern(size));
            STREAMED.addAndGet(size);
            remaining -= size;
            if (response.writeQueueFull()) {
                long left = remaining;
                response.drainHandler(ignored -> stream(response, left));
                return;
            }
        }
        response.end();
    }

    private static Buffer pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return Buffer.buffer(bytes);
    }

    /** The bound port on 127.0.0.1. */
    public int port() {
        return front.actualPort();
    }

    /** The first name the origin was started with. */
    public String name() {
        return name;
    }

    /** What {@code GET /} answers: {@code "hello from <name>"}. */
    public String body() {
        return "hello from " + name;
    }

    /** The CA that issued the origin's certificate, or {@code null} for plain HTTP and given leaves. */
    public TestCa ca() {
        return ca;
    }

    /** PEM of the CA that issued the origin's certificate. */
    public String caPem() {
        return requireCa().certPem();
    }

    /** A temporary file holding {@link #caPem()}, for {@code curl --cacert}. */
    public Path caFile() {
        return requireCa().certFile();
    }

    /** The requests the origin has answered so far, as "METHOD /path". */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * The request lines and {@code Host} fields the origin has answered so far, as
     * "METHOD uri-as-received Host: value[, value...]".
     */
    public List<String> requestHeads() {
        return List.copyOf(heads);
    }

    /** The HTTP version of each request answered so far, in order ({@code HTTP_2}, {@code HTTP_1_1}). */
    public List<String> requestVersions() {
        return List.copyOf(versions);
    }

    /**
     * Bytes of {@code /bytes/N} bodies written so far by every origin in this JVM; written with back-pressure, so
     * it stops growing while nobody reads them.
     */
    public static long streamedBytes() {
        return STREAMED.get();
    }

    /** How many connections the origin has accepted so far. */
    public int connections() {
        return connections.get();
    }

    private TestCa requireCa() {
        if (ca == null) {
            throw new IllegalStateException("origin " + name + " has no test CA (plain HTTP or a given leaf)");
        }
        return ca;
    }

    /** Stops listening and closes open connections; blocks until done. */
    @Override
    public void close() {
        front.close().await();
        relay.close().await();
        server.close().await();
    }
}
