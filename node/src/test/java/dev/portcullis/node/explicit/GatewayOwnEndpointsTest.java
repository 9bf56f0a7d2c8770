package dev.portcullis.node.explicit;

import dev.portcullis.node.Node;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import dev.portcullis.proxy.guard.OwnEndpoints;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's own ports through its own tunnel (issue 9, bypasses 4 and 5): a rule whose guard exemption covers
 * the fleet's addresses ({@code destinations: [127.0.0.1/32]}, as {@code 10.0.0.0/8} would in a real fleet) must
 * still never open a tunnel to this node's admin API, cluster ports, DNS server or listeners, nor to another
 * member's (issue 9, item 4: its cluster ports, admin API, explicit listener and workload DNS server, which it
 * lists in the member registry), while a real origin on another port of the same exempted address still passes.
 * The members share this host, as the fleet's addresses are one to the guard: 127.0.0.1 plays a member's 10.0.0.x.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayOwnEndpointsTest {

    @TempDir
    static Path dir;

    private static Vertx vertx;
    private static TestOrigin origin;
    private static TestCluster cluster;
    private static int proxyPort;
    private static int transparentPort;
    private static int dnsServePort;
    private static int memberDnsServePort;
    private static JsonObject statics;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        origin = TestOrigin.https(vertx, "allowed.test");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: { action: deny }
                rules:
                  - name: allowed
                    hosts: [allowed.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: ipv4-literals
                    hosts: ["0.0.0.0/0"]
                    action: allow
                    destinations: [127.0.0.1/32]
                  - name: ipv6-literals
                    hosts: ["::/0"]
                    action: allow
                """);
        transparentPort = FreePorts.one();
        dnsServePort = FreePorts.one();
        memberDnsServePort = FreePorts.one();
        statics = new JsonObject().put("allowed.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1,proxy:1")
                        .section("policy", new JsonObject().put("file", policy.toString()))
                        .section("dns", dnsServing(dnsServePort))
                        .section("proxy", new JsonObject().put("transparent", new JsonArray().add(new JsonObject()
                                .put("host", "127.0.0.1").put("port", transparentPort).put("upstream-port", 443)))),
                // The other member: admin API and explicit listener (the test defaults) and a workload DNS server.
                TestCluster.node("dns:1,proxy:1").section("dns", dnsServing(memberDnsServePort)));
        proxyPort = cluster.listenerPort(0, "explicit");
        // The other member's registry entry reaches node 0's guard on its next pass after registering.
        awaitRegisteredEndpoints(cluster.node(1));
    }

    /** A dns section with the test's static names (every dns role may answer node 0) serving workloads on port. */
    private static JsonObject dnsServing(int port) {
        return new JsonObject().put("static", statics.copy())
                .put("serve", new JsonObject().put("host", "127.0.0.1").put("port", port));
    }

    /** Node 0's own-endpoint entries for member's registry entry, once there. */
    private static void awaitRegisteredEndpoints(Node member) {
        Poll.until(Duration.ofSeconds(10), () -> memberEntries(member), entries -> entries.stream()
                .anyMatch(key -> key.contains(":registered-")), "node 0 has member " + member.id()
                + "'s registered endpoints");
    }

    /** The keys of node 0's own-endpoint entries for member. */
    private static List<String> memberEntries(Node member) {
        return cluster.node(0).vertx().sharedData().<String, String>getLocalMap(OwnEndpoints.MAP_NAME).keySet()
                .stream().filter(key -> key.startsWith("member:" + member.id() + ":")).toList();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static int hazelcastPort(Node node) {
        return node.config().cluster().port();
    }

    private static int eventBusPort(Node node) {
        return ((VertxInternal) node.vertx()).clusterManager().getNodeInfo().port();
    }

    static Stream<Arguments> ownEndpoints() {
        return Stream.of(
                Arguments.of("this node's admin API", (IntSupplier) () -> cluster.node(0).adminPort(), "admin API"),
                Arguments.of("this node's Hazelcast port", (IntSupplier) () -> hazelcastPort(cluster.node(0)),
                        "Hazelcast"),
                Arguments.of("this node's event-bus port", (IntSupplier) () -> eventBusPort(cluster.node(0)),
                        "event bus"),
                Arguments.of("this node's explicit listener", (IntSupplier) () -> proxyPort, "explicit"),
                Arguments.of("this node's transparent listener", (IntSupplier) () -> transparentPort, "transparent"),
                Arguments.of("this node's workload DNS server", (IntSupplier) () -> dnsServePort, "DNS server"),
                Arguments.of("the other member's Hazelcast port", (IntSupplier) () -> hazelcastPort(cluster.node(1)),
                        "Hazelcast"),
                Arguments.of("the other member's event-bus port", (IntSupplier) () -> eventBusPort(cluster.node(1)),
                        "event bus"),
                Arguments.of("the other member's admin API", (IntSupplier) () -> cluster.node(1).adminPort(),
                        "cluster member " + shortId(cluster.node(1)) + "'s admin API"),
                Arguments.of("the other member's explicit listener",
                        (IntSupplier) () -> cluster.listenerPort(1, "explicit"),
                        "cluster member " + shortId(cluster.node(1)) + "'s explicit listener"),
                // Served on UDP and TCP: the TCP port is the same endpoint, and a tunnel is TCP.
                Arguments.of("the other member's workload DNS server", (IntSupplier) () -> memberDnsServePort,
                        "cluster member " + shortId(cluster.node(1)) + "'s workload DNS server"));
    }

    private static String shortId(Node node) {
        return node.id().substring(0, 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownEndpoints")
    void tunnelToTheGatewaysOwnEndpointIsRefusedDespiteTheExemption(String sentence, IntSupplier port, String what)
            throws Exception {
        int target = port.getAsInt();
        RawClient.Answer answer = RawClient.send(proxyPort, "CONNECT allowed.test:" + target + " HTTP/1.1\r\n\r\n",
                5000);

        assertThat(answer.status()).as(answer.response()).isEqualTo(403);
        assertThat(answer.header("Proxy-Status")).contains("destination_ip_prohibited");
        assertThat(answer.response()).contains(what).contains("127.0.0.1:" + target);
        assertThat(answer.closed()).isTrue();
    }

    @Test
    void embeddedFormsOfTheLoopbackAddressAreRefusedOnTheAdminPortToo() throws Exception {
        int admin = cluster.node(0).adminPort();
        for (String literal : new String[] {"127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0", "[64:ff9b::7f00:1]"}) {
            RawClient.Answer answer = RawClient.send(proxyPort, "CONNECT " + literal + ":" + admin
                    + " HTTP/1.1\r\n\r\n", 5000);

            assertThat(answer.status()).as(literal + ": " + answer.response()).isEqualTo(403);
            assertThat(answer.response()).as(literal).contains("admin API");
        }
    }

    @Test
    void aMemberThatJoinsAfterTheProxyStartedIsRefusedToo() throws Exception {
        int lateDnsServePort = FreePorts.one();
        Node late = cluster.add(TestCluster.node("dns:1").section("dns", dnsServing(lateDnsServePort)));
        int hazelcast = hazelcastPort(late);
        int eventBus = eventBusPort(late);

        for (int port : new int[] {hazelcast, eventBus, late.adminPort(), lateDnsServePort}) {
            // Membership reaches the proxy's node through Hazelcast's listener, asynchronously: allow it a moment.
            RawClient.Answer answer = Poll.until(Duration.ofSeconds(10), () -> connectTo(port),
                    refused -> refused.status() == 403, "CONNECT to the late member's port " + port + " refused");

            assertThat(answer.status()).as(port + ": " + answer.response()).isEqualTo(403);
            assertThat(answer.response()).contains("cluster member").contains("127.0.0.1:" + port);
        }

        // A member that leaves is no longer the gateway's: its ports are again only what the rule allows (nothing
        // listens there now, so the dial fails: 502), and the set does not grow with every member ever seen.
        int admin = late.adminPort();
        late.close().await(20, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(10), () -> memberEntries(late), List::isEmpty,
                "node 0 dropped the departed member's entries");
        for (int port : new int[] {hazelcast, admin, lateDnsServePort}) {
            RawClient.Answer answer = Poll.until(Duration.ofSeconds(10), () -> connectTo(port),
                    left -> left.status() != 403, "the departed member's port no longer refused as the gateway's");
            assertThat(answer.status()).as(port + ": " + answer.response()).isEqualTo(502);
        }
    }

    /** A CONNECT through the proxy to {@code allowed.test:port}, for polling. */
    private static RawClient.Answer connectTo(int port) {
        try {
            return RawClient.send(proxyPort, "CONNECT allowed.test:" + port + " HTTP/1.1\r\n\r\n", 2000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nat64LocalUsePrefixEmbeddingLoopbackIsRefused() throws Exception {
        // RFC 8215's local-use prefix 64:ff9b:1::/48 carries 127.0.0.1 here; the IPv6 literal's rule exempts
        // nothing, so the embedded loopback must be guarded as 64:ff9b::/96's is (not dialled: 502).
        RawClient.Answer answer = RawClient.send(proxyPort,
                "CONNECT [64:ff9b:1::7f00:1]:" + origin.port() + " HTTP/1.1\r\n\r\n", 5000);

        assertThat(answer.status()).as(answer.response()).isEqualTo(403);
        assertThat(answer.header("Proxy-Status")).contains("destination_ip_prohibited");
    }

    @Test
    void aRealOriginOnAnotherPortOfTheExemptedAddressStillPasses() throws Exception {
        int before = origin.connections();
        RawClient.Answer answer = RawClient.send(proxyPort,
                "CONNECT allowed.test:" + origin.port() + " HTTP/1.1\r\n\r\n", 1000);

        assertThat(answer.response()).startsWith("HTTP/1.1 200 Connection established\r\n\r\n");
        assertThat(origin.connections()).isEqualTo(before + 1);
    }
}
