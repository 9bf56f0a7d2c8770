package dev.portcullis.node.testkit;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.node.Node;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.Role;
import dev.portcullis.node.roles.RoleCounts;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * N clustered nodes in this JVM, started with the production {@link Node} code: Hazelcast on 127.0.0.1 with a
 * unique cluster name and free ports, each node with its own roles and config sections, admin API and proxy
 * listeners on ephemeral ports, and a temporary data directory. The event bus runs mutual TLS with one set of
 * fleet credentials per test cluster ({@link TestFleetTls}), as production does.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.start(
 *         TestCluster.node("policy:1").section("policy", new JsonObject().put("file", policyFile.toString())),
 *         TestCluster.node("dns:1").section("dns", new JsonObject().put("static", statics)),
 *         TestCluster.node("proxy:1"))) {
 *     int proxyPort = cluster.listenerPort(2, "explicit");
 * }
 * }</pre>
 * {@link #start} returns once every node is up and every node that runs a proxy (every node, when none does)
 * gets answers from the policy and dns roles the cluster runs, so the first request of a test does not race
 * the propagation of event-bus registrations. Start and close from a test thread (they block).
 */
public final class TestCluster implements AutoCloseable {

    /** How long {@link #start} may take in all before it gives up. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Path dataDir;
    private final List<Node> nodes;
    private final List<String> members;
    private final TestFleetTls fleetTls;

    private TestCluster(String name, Path dataDir, List<Node> nodes, List<String> members, TestFleetTls fleetTls) {
        this.name = name;
        this.dataDir = dataDir;
        this.nodes = nodes;
        this.members = List.copyOf(members);
        this.fleetTls = fleetTls;
    }

    /** A node to start, running {@code roles} (e.g. {@code "policy:1,dns:1"}). */
    public static NodeSpec node(String roles) {
        return new NodeSpec(RoleCounts.parse(roles));
    }

    /**
     * Starts the nodes in order, then waits for the event-bus registrations to reach every node.
     *
     * @throws IllegalStateException when a node does not start or the roles do not answer within
     *                               {@link #START_TIMEOUT}; the nodes started so far are closed first
     */
    public static TestCluster start(NodeSpec... specs) {
        String name = "portcullis-test-" + UUID.randomUUID();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("portcullis-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> ports = FreePorts.take(specs.length);
        JsonArray members = new JsonArray();
        ports.forEach(port -> members.add("127.0.0.1:" + port));
        TestFleetTls tls = TestFleetTls.generate(dataDir.resolve("fleet"));
        TestCluster cluster = new TestCluster(name, dataDir, new ArrayList<>(),
                members.stream().map(String.class::cast).toList(), tls);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            for (int i = 0; i < specs.length; i++) {
                NodeConfig config = NodeConfig.fromJson(specs[i].tree(name, ports.get(i), members, tls,
                        dataDir.resolve("node-" + i)));
                cluster.nodes.add(await(Node.start(config), deadline, "node " + i + " (" + config.roles() + ")"));
            }
            cluster.awaitRegistrations(deadline);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitRegistrations(long deadline) {
        boolean anyProxy = nodes.stream().anyMatch(node -> node.config().roles().has(Role.PROXY));
        Map<Role, String> infoAddresses = new LinkedHashMap<>();
        infoAddresses.put(Role.POLICY, Addresses.POLICY_INFO);
        infoAddresses.put(Role.DNS, Addresses.DNS_INFO);
        for (Node node : nodes) {
            if (anyProxy && !node.config().roles().has(Role.PROXY)) {
                continue;
            }
            infoAddresses.forEach((role, address) -> {
                if (nodes.stream().anyMatch(other -> other.config().roles().has(role))) {
                    awaitAnswer(node, address, deadline);
                }
            });
        }
    }

    private static void awaitAnswer(Node node, String address, long deadline) {
        DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(2000);
        while (true) {
            Future<?> answer = node.vertx().eventBus().request(address, new JsonObject(), delivery);
            try {
                await(answer, deadline, address + " from node " + node.id());
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            // Registrations travel through Hazelcast asynchronously; ask again shortly.
            await(node.vertx().timer(100), deadline, "retry timer");
        }
    }

    private static <T> T await(Future<T> future, long deadline, String what) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
            return future.await(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within " + START_TIMEOUT, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts one more node that joins this running cluster (through the members it was started with), e.g. a
     * member that arrives after the proxies are up.
     *
     * @return the new node, also closed by {@link #close()}
     */
    public Node add(NodeSpec spec) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int port = FreePorts.one();
        JsonArray list = new JsonArray();
        members.forEach(list::add);
        NodeConfig config = NodeConfig.fromJson(spec.tree(name, port, list, fleetTls,
                dataDir.resolve("node-" + nodes.size())));
        Node node = await(Node.start(config), deadline, "added node (" + config.roles() + ")");
        nodes.add(node);
        return node;
    }

    /** The unique cluster name. */
    public String name() {
        return name;
    }

    /** The Hazelcast member list every node was given ({@code 127.0.0.1:port} each). */
    public List<String> members() {
        return members;
    }

    /** The fleet credentials every node's event bus uses. */
    public TestFleetTls fleetTls() {
        return fleetTls;
    }

    /** The node started {@code index}-th (0-based). */
    public Node node(int index) {
        return nodes.get(index);
    }

    /** All nodes, in start order. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The port of the proxy listener {@code listener} (e.g. {@code "explicit"}) on node {@code index}. */
    public int listenerPort(int index, String listener) {
        String address = nodes.get(index).listeners().get(listener);
        if (address == null) {
            throw new IllegalStateException("node " + index + " has no listener '" + listener + "', only "
                    + nodes.get(index).listeners());
        }
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Closes every node (last started first) and deletes the data directories; waits for all of it. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close().await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                failures.add(new IllegalStateException("node " + i + " did not close within " + CLOSE_TIMEOUT, e));
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        nodes.clear();
        deleteRecursively(dataDir);
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("closing cluster " + name + " failed");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /**
     * One node of a {@link TestCluster}: its roles and the config sections that differ from the test defaults
     * (admin on 127.0.0.1:0, explicit proxy listener on 127.0.0.1:0, no transparent listener, files in a temporary
     * data directory, {@code proxy.drain-timeout} 0 s).
     */
    public static final class NodeSpec {

        private final RoleCounts roles;
        private final Map<String, JsonObject> sections = new LinkedHashMap<>();

        private NodeSpec(RoleCounts roles) {
            this.roles = roles;
        }

        /**
         * Sets a config section ({@code "policy"}, {@code "dns"}, {@code "proxy"}, {@code "admin"}), merged over
         * the test defaults. {@code node} and {@code cluster} belong to the test cluster and cannot be set.
         */
        public NodeSpec section(String name, JsonObject config) {
            if (name.equals("node") || name.equals("cluster")) {
                throw new IllegalArgumentException("section " + name + " is set by TestCluster");
            }
            sections.put(name, config.copy());
            return this;
        }

        JsonObject tree(String clusterName, int port, JsonArray members, TestFleetTls tls, Path dataDir) {
            JsonObject tree = new JsonObject()
                    .put("node", new JsonObject().put("roles", roles.spec()).put("data-dir", dataDir.toString()))
                    .put("cluster", new JsonObject()
                            .put("name", clusterName)
                            .put("host", "127.0.0.1")
                            .put("port", port)
                            .put("members", members.copy())
                            .put("tls", tls.json()))
                    .put("admin", new JsonObject().put("host", "127.0.0.1").put("port", 0))
                    .put("proxy", new JsonObject()
                            .put("explicit", new JsonObject().put("host", "127.0.0.1").put("port", 0))
                            // Off unless a test asks: the default 127.0.0.1:8443 would clash between nodes.
                            .put("transparent", new JsonArray())
                            // A test that ends with connections still open closes them at once, not after the
                            // default 30 s; the drain tests set their own.
                            .put("drain-timeout", "0s"));
            sections.forEach((name, config) -> {
                JsonObject base = tree.getJsonObject(name, new JsonObject());
                tree.put(name, base.mergeIn(config, true));
            });
            return tree;
        }
    }
}
