package dev.portcullis.node.bridge;

import dev.portcullis.node.Node;
import dev.portcullis.node.cluster.MemberRegistry;
import dev.portcullis.node.cluster.RegisteredEndpoint;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.proxy.guard.OwnEndpoints;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy bridge (docs/policy-clients.md) driven by its Python example client
 * ({@code clients/python/portcullis_policy.py}) over real mutual TLS on loopback: it forwards decisions, refuses
 * every other address and frame type, and refuses clients without a certificate from its client CA.
 */
class PolicyBridgeTest {

    private static final Path SCRIPT = Path.of("..", "clients", "python", "portcullis_policy.py").toAbsolutePath();

    @TempDir
    static Path dir;

    private static TestCluster cluster;
    private static int bridgePort;
    private static TestCa serverCa;
    private static Path clientCert;
    private static Path clientKey;
    private static Path strangerCert;
    private static Path strangerKey;

    @BeforeAll
    static void start() throws IOException {
        serverCa = TestCa.create("Portcullis Test Bridge Server CA");
        TestCa clientCa = TestCa.create("Portcullis Test Bridge Client CA");
        TestCa.Leaf server = serverCa.issue("127.0.0.1");
        Path serverCert = write("bridge.pem", server.chainPem());
        Path serverKey = write("bridge.key", server.keyPem());
        Path clientCaFile = write("client-ca.pem", clientCa.certPem());
        TestCa.Leaf client = clientCa.issueClient("billing-service");
        clientCert = write("client.pem", client.chainPem());
        clientKey = write("client.key", client.keyPem());
        // Same shape, another CA: what a client of another installation (or a forger) holds.
        TestCa.Leaf stranger = TestCa.create("Some Other CA").issueClient("billing-service");
        strangerCert = write("stranger.pem", stranger.chainPem());
        strangerKey = write("stranger.key", stranger.keyPem());

        Path policy = write("policy.yaml", """
                version: 1
                default: { action: deny }
                rules:
                  - name: payments-api
                    hosts: [api.payments.test]
                    ports: [443]
                    action: allow
                """);
        bridgePort = FreePorts.one();
        // The ca and dns roles run too, so that a refused ca.sign or dns.resolve frame would get an answer if the
        // bridge forwarded it: the refusal is the bridge's, not a missing consumer's.
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("bridge", new JsonObject()
                        .put("enabled", true).put("host", "127.0.0.1").put("port", bridgePort)
                        .put("tls", new JsonObject().put("cert-file", serverCert.toString())
                                .put("key-file", serverKey.toString())
                                .put("client-ca-file", clientCaFile.toString()))));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAllowedNameIsAllowedByItsRule() throws Exception {
        Run run = python(clientCert, clientKey, "decide", "api.payments.test", "443", "--client", "10.1.2.3");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonObject reply = new JsonObject(run.stdout());
        assertThat(reply.getString("type")).isEqualTo("message");
        assertThat(reply.getJsonObject("body").getString("verdict")).isEqualTo("allow");
        assertThat(reply.getJsonObject("body").getString("rule")).isEqualTo("payments-api");
    }

    @Test
    void aNameNoRuleAllowsIsDenied() throws Exception {
        Run run = python(clientCert, clientKey, "decide", "exfiltrate.test", "443", "--client", "10.1.2.3");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonObject body = new JsonObject(run.stdout()).getJsonObject("body");
        assertThat(body.getString("verdict")).isEqualTo("deny");
        assertThat(body.getString("rule")).isEqualTo("default");
    }

    @Test
    void theRequestIsSentAsDocumentedAndItsHeadersDoNotReachTheBus() throws Exception {
        // The raw frame of docs/policy-clients.md, with a client header the bridge must drop (codecName would
        // otherwise make the bus look for a codec that does not exist and fail the request).
        Run run = python(clientCert, clientKey, "frame", decideFrame("r1")
                .put("headers", new JsonObject().put("codecName", "no-such-codec")).encode());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonObject reply = new JsonObject(run.stdout());
        assertThat(reply.getString("address")).isEqualTo("r1");
        assertThat(reply.getJsonObject("body").getString("verdict")).isEqualTo("allow");
    }

    @Test
    void aMalformedRequestIsAnsweredWithThePolicyRolesBadRequest() throws Exception {
        JsonObject frame = decideFrame("r7");
        frame.getJsonObject("body").put("port", 0);

        Run run = python(clientCert, clientKey, "frame", frame.encode());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        JsonObject reply = new JsonObject(run.stdout());
        assertThat(reply.getString("type")).isEqualTo("err");
        // Forwarded, and refused by the policy role itself (ErrorCode.BAD_REQUEST), to the client's reply address.
        assertThat(reply.getString("address")).isEqualTo("r7");
        assertThat(reply.getString("sourceAddress")).isEqualTo("portcullis.policy.decide.v1");
        assertThat(reply.getInteger("failureCode")).isEqualTo(400);
        assertThat(reply.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
    }

    static Stream<Arguments> refusedFrames() {
        JsonObject resolve = new JsonObject().put("name", "api.payments.test").put("family", "ipv4");
        return Stream.of(
                Arguments.of("a request to the ca role", new JsonObject().put("type", "send")
                        .put("address", "portcullis.ca.sign.v1").put("replyAddress", "r1")
                        .put("body", new JsonObject())),
                Arguments.of("a request to the dns role", new JsonObject().put("type", "send")
                        .put("address", "portcullis.dns.resolve.v1").put("replyAddress", "r1").put("body", resolve)),
                Arguments.of("the policy role's info address", new JsonObject().put("type", "send")
                        .put("address", "portcullis.policy.info.v1").put("replyAddress", "r1")
                        .put("body", new JsonObject())),
                Arguments.of("a made-up address", new JsonObject().put("type", "send")
                        .put("address", "portcullis.nothing.v9").put("replyAddress", "r1")
                        .put("body", new JsonObject())),
                Arguments.of("a decide request without a reply address",
                        decideFrame("r1").copy().put("replyAddress", (String) null)),
                Arguments.of("a publish to the decide address", decideFrame("r1").copy().put("type", "publish")),
                Arguments.of("registering a consumer on the decide address", new JsonObject()
                        .put("type", "register").put("address", "portcullis.policy.decide.v1")),
                Arguments.of("registering a consumer on the policy-changed address", new JsonObject()
                        .put("type", "register").put("address", "portcullis.policy.changed")),
                Arguments.of("a frame without an address", new JsonObject().put("type", "send")
                        .put("replyAddress", "r1").put("body", new JsonObject())));
    }

    @ParameterizedTest(name = "{0} is refused with an err frame")
    @MethodSource("refusedFrames")
    void everyOtherFrameIsRefused(String what, JsonObject frame) throws Exception {
        Run run = python(clientCert, clientKey, "frame", frame.encode());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        JsonObject reply = new JsonObject(run.stdout());
        assertThat(reply.getString("type")).isEqualTo("err");
        // The filter's own refusal, not a failure from the bus (a missing consumer, a bad body): so the frame
        // never reached the bus.
        assertThat(reply.getString("message")).isEqualTo("blocked by bridgeEvent handler");
        assertThat(reply.containsKey("failureCode")).isFalse();
    }

    @Test
    void aClientWithoutACertificateFailsTheHandshake() throws Exception {
        Run run = python(null, null, "decide", "api.payments.test", "443");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(new JsonObject(run.stdout()).getString("error")).isEqualTo("tls");
    }

    @Test
    void aClientWithACertificateFromAnotherCaFailsTheHandshake() throws Exception {
        Run run = python(strangerCert, strangerKey, "decide", "api.payments.test", "443");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(new JsonObject(run.stdout()).getString("error")).isEqualTo("tls");
    }

    @Test
    void theBridgeIsOneOfTheGatewaysOwnEndpoints() throws Exception {
        Node node = cluster.node(0);
        // This node's guard refuses it (README, step 4 of "What happens to one connection") ...
        Object own = node.vertx().sharedData().getLocalMap(OwnEndpoints.MAP_NAME).get("bridge");
        assertThat(String.valueOf(own)).contains("127.0.0.1").contains(String.valueOf(bridgePort));
        // ... and the other members' guards read it from the member registry.
        JsonObject entry = node.vertx().sharedData().<String, JsonObject>getClusterWideMap(MemberRegistry.MAP_NAME)
                .compose(map -> map.get(node.id())).await(10, TimeUnit.SECONDS);
        assertThat(RegisteredEndpoint.fromEntry(entry))
                .contains(RegisteredEndpoint.bridge("127.0.0.1", bridgePort));
    }

    private static JsonObject decideFrame(String replyAddress) {
        return new JsonObject().put("type", "send").put("address", "portcullis.policy.decide.v1")
                .put("replyAddress", replyAddress).put("headers", new JsonObject())
                .put("body", new JsonObject().put("host", "api.payments.test").put("port", 443)
                        .put("client", "10.1.2.3").put("listener", "python-client").put("mode", "explicit")
                        .put("protocol", "tcp"));
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run python(Path cert, Path key, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("python3", SCRIPT.toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(bridgePort), "--ca", serverCa.certFile().toString()));
        if (cert != null) {
            args.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
        }
        args.addAll(List.of(command));
        Path out = Files.createTempFile(dir, "python-", ".out");
        Path err = Files.createTempFile(dir, "python-", ".err");
        Process process = new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // Bounded: the script's own socket timeout is 5 s; a wedged process fails the test instead of hanging it.
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("python client did not finish: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }
}
