package dev.portcullis.node.intercept;

import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC through decryption (README, "Decrypt inspection"): grpc-java on both sides, the client using the gateway as
 * its CONNECT proxy and trusting the Portcullis root, a TLS gRPC server with its own test CA. Every call is one
 * HTTP/2 stream, decided by the rule's {@code http:} entries on its path {@code /test.Echo/Method}; streaming
 * messages and trailers ({@code grpc-status}, custom metadata) pass both ways. The service is built by hand with a
 * String marshaller, so no protoc is needed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcThroughDecryptionTest {

    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> SAY = method(MethodDescriptor.MethodType.UNARY, "Say");
    private static final MethodDescriptor<String, String> COUNT =
            method(MethodDescriptor.MethodType.SERVER_STREAMING, "Count");
    private static final MethodDescriptor<String, String> CHAT =
            method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
    private static final MethodDescriptor<String, String> SECRET = method(MethodDescriptor.MethodType.UNARY, "Secret");
    private static final MethodDescriptor<String, String> MISSING =
            method(MethodDescriptor.MethodType.UNARY, "Missing");
    private static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    static Path dir;

    private static Server server;
    private static TestCluster cluster;
    private static ManagedChannel channel;
    private static final List<String> REACHED = new CopyOnWriteArrayList<>();
    private static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        TestCa originCa = TestCa.create("gRPC Test Origin CA");
        TestCa.Leaf leaf = originCa.issue("grpc.test");
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                        TlsServerCredentials.create(stream(leaf.chainPem()), stream(leaf.keyPem())))
                .addService(echoService())
                .build()
                .start();
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: grpc
                    hosts: [grpc.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { paths: ["/test.Echo/Secret"], action: deny }
                      - { methods: [POST], paths: ["/test.Echo/**"], action: allow }
                """);
        accessLog = dir.resolve("access.log");
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static",
                        new JsonObject().put("grpc.test", new JsonArray().add("127.0.0.1"))))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject()
                        .put("upstream-ca-file", originCa.certFile().toString())
                        .put("access-log", new JsonObject().put("file", accessLog.toString()))));
        int proxyPort = cluster.listenerPort(0, "explicit");
        String root = new CaClient(cluster.node(0).vertx()).root().await().rootPem();
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", proxyPort);
        // grpc-java asks the detector with the target unresolved, so the gateway resolves the name (CONNECT name).
        channel = Grpc.newChannelBuilder("grpc.test:" + server.getPort(),
                        TlsChannelCredentials.newBuilder().trustManager(stream(root)).build())
                .proxyDetector(target -> HttpConnectProxiedSocketAddress.newBuilder()
                        .setProxyAddress(proxy).setTargetAddress((InetSocketAddress) target).build())
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void unaryCallsGoThrough() {
        assertThat(ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "portcullis"))
                .isEqualTo("hello portcullis");
        assertThat(ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "again"))
                .isEqualTo("hello again");
    }

    @Test
    void aServerStreamOfAThousandMessagesArrivesIntact() {
        Iterator<String> replies = ClientCalls.blockingServerStreamingCall(channel, COUNT, CallOptions.DEFAULT,
                "1000");
        List<String> received = new ArrayList<>();
        replies.forEachRemaining(received::add);

        assertThat(received).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(received.get(i)).isEqualTo("message " + i + " " + "x".repeat(i % 100));
        }
    }

    @Test
    void aBidirectionalStreamOfAThousandMessagesEachWayArrivesIntact() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(CHAT,
                CallOptions.DEFAULT), new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        received.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        for (int i = 0; i < 1000; i++) {
            requests.onNext("ping " + i);
        }
        requests.onCompleted();
        done.get(60, TimeUnit.SECONDS);

        assertThat(received).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(received.get(i)).isEqualTo("echo ping " + i);
        }
    }

    @Test
    void aDeniedMethodIsPermissionDeniedNamingTheRuleAndNeverReachesTheServer() throws Exception {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, SECRET, CallOptions.DEFAULT, "let me in"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("HTTP status code 403")
                            .contains("rule 'grpc'");
                });
        assertThat(REACHED).doesNotContain("Secret");
        // The connection goes on: the next call on the same channel works.
        assertThat(ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "after")).isEqualTo("hello after");
        assertThat(AccessLogLines.matching(accessLog, r -> "/test.Echo/Secret".equals(r.getString("path")), 1))
                .singleElement().satisfies(r -> {
                    assertThat(r.getInteger("status")).isEqualTo(403);
                    assertThat(r.getString("method")).isEqualTo("POST");
                    assertThat(r.getInteger("stream")).isNotNull();
                });
    }

    @Test
    void trailersWithTheServersStatusAndMetadataAreRelayed() {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, MISSING, CallOptions.DEFAULT, "thing"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no thing here");
                    assertThat(e.getTrailers().get(DETAIL)).isEqualTo("looked everywhere");
                });
        assertThat(REACHED).contains("Missing");
    }

    private static ServerServiceDefinition echoService() {
        return ServerServiceDefinition.builder("test.Echo")
                .addMethod(SAY, ServerCalls.asyncUnaryCall((request, replies) -> {
                    REACHED.add("Say");
                    replies.onNext("hello " + request);
                    replies.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, replies) -> {
                    REACHED.add("Count");
                    for (int i = 0; i < Integer.parseInt(request); i++) {
                        replies.onNext("message " + i + " " + "x".repeat(i % 100));
                    }
                    replies.onCompleted();
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(replies -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        replies.onNext("echo " + value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        replies.onCompleted();
                    }
                }))
                .addMethod(SECRET, ServerCalls.asyncUnaryCall((request, replies) -> {
                    REACHED.add("Secret");
                    replies.onNext("the secret");
                    replies.onCompleted();
                }))
                .addMethod(MISSING, ServerCalls.asyncUnaryCall((request, replies) -> {
                    REACHED.add("Missing");
                    Metadata trailers = new Metadata();
                    trailers.put(DETAIL, "looked everywhere");
                    replies.onError(Status.NOT_FOUND.withDescription("no " + request + " here")
                            .asRuntimeException(trailers));
                }))
                .build();
    }

    private static MethodDescriptor<String, String> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
                .setRequestMarshaller(TEXT)
                .setResponseMarshaller(TEXT)
                .build();
    }

    private static InputStream stream(String pem) {
        return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
