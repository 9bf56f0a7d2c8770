package dev.portcullis.node;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.node.admin.AdminServer;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.node.admin.AdminToken;
import dev.portcullis.node.cluster.BusWarmUp;
import dev.portcullis.node.bridge.PolicyBridge;
import dev.portcullis.node.cluster.ClusteredNode;
import dev.portcullis.node.cluster.LeavingArrivals;
import dev.portcullis.node.cluster.RoutingClusterManager;
import dev.portcullis.node.cluster.MemberRegistry;
import dev.portcullis.node.cluster.OwnEndpointsPublisher;
import dev.portcullis.node.cluster.RegisteredEndpoint;
import dev.portcullis.node.config.ClusterSettings;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.fleet.FleetCredentials;
import dev.portcullis.node.fleet.FleetCredentialsException;
import dev.portcullis.node.roles.Role;
import dev.portcullis.node.roles.RoleDeployer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Portcullis node: a clustered Vert.x with this node's roles deployed, its admin API listening and its
 * entry in the cluster's member registry. The launcher runs one per JVM; tests run several per JVM.
 */
public final class Node {

    /**
     * {@value}: the local (per Vert.x instance) map where the proxy role publishes its bound listeners, name →
     * {@code "host:port"} (e.g. {@code "explicit" → "127.0.0.1:3128"}), before its start completes.
     */
    public static final String LISTENERS_MAP = "portcullis.listeners";

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(3);
    /**
     * How long a leaving node's roles go on answering after it left the bus's routing, at least: the other members
     * learn of it from Hazelcast's events on the registration map, within milliseconds on a healthy cluster.
     */
    private static final Duration LEAVE_GRACE = Duration.ofSeconds(1);
    /**
     * After {@link #LEAVE_GRACE}, the roles stop once no request has arrived for this long: on a loaded fleet a
     * member's routing can learn of the withdrawal later than the grace, and its requests still come.
     */
    private static final Duration LEAVE_QUIET = Duration.ofMillis(500);
    /** The longest a leaving node waits for requests to stop arriving before its roles stop anyway. */
    private static final Duration LEAVE_AT_MOST = Duration.ofSeconds(10);

    private final NodeConfig config;
    private final ClusteredNode cluster;
    private final MemberRegistry registry;
    private final OwnEndpointsPublisher ownEndpoints;
    private final Map<String, String> listeners;
    /** The admin API's server, {@code null} when it is disabled. */
    private final HttpServer admin;
    private final int adminPort;
    /** The roles' deployment ids in {@link dev.portcullis.node.roles.Role} order: the proxy last. */
    private final List<String> deployments;
    private final AtomicBoolean draining;
    /** The policy bridge, {@code null} when {@code bridge.enabled} is false. */
    private final PolicyBridge bridge;
    private Future<Void> closing;

    private Node(NodeConfig config, ClusteredNode cluster, MemberRegistry registry, OwnEndpointsPublisher ownEndpoints,
                 Map<String, String> listeners, HttpServer admin, List<String> deployments, AtomicBoolean draining,
                 PolicyBridge bridge) {
        this.config = config;
        this.deployments = List.copyOf(deployments);
        this.draining = draining;
        this.cluster = cluster;
        this.registry = registry;
        this.ownEndpoints = ownEndpoints;
        this.listeners = Map.copyOf(listeners);
        this.admin = admin;
        this.adminPort = admin == null ? -1 : admin.actualPort();
        this.bridge = bridge;
    }

    /**
     * Starts a node: creates the data directory, joins the cluster, opens the event-bus connections to every member
     * ({@link BusWarmUp}), deploys the roles, starts the admin API and registers the node in the cluster's member
     * registry.
     *
     * @return a future completed with the running node, or failed with a
     * {@link dev.portcullis.node.roles.RoleStartException} naming the role that did not start, a
     * {@link ConfigException} when the data directory cannot be created, the admin API would be exposed without
     * a token, the fleet credentials or the policy bridge's TLS files are unusable, or the cause of a failed cluster
     * join or admin or bridge bind. On failure everything started so far has been stopped again.
     */
    public static Future<Node> start(NodeConfig config) {
        return start(config, System.getenv());
    }

    /** {@link #start(NodeConfig)} with the environment given (for the admin token and key passphrases). */
    public static Future<Node> start(NodeConfig config, Map<String, String> env) {
        AdminToken token;
        FleetCredentials credentials;
        try {
            // Before anything binds: a refusal must not leave an exposed listener behind, even briefly.
            token = AdminToken.resolve(config.admin(), env).orElse(null);
            Files.createDirectories(config.dataDir());
            credentials = FleetCredentials.resolve(config.cluster().tls(), config.dataDir(), config.cluster().host(),
                    env);
            if (config.bridge().enabled()) {
                PolicyBridge.check(config.bridge(), credentials.trustFile());
            }
        } catch (IOException e) {
            return Future.failedFuture(new ConfigException("cannot create node.data-dir " + config.dataDir()
                    + ": " + e, e));
        } catch (ConfigException | FleetCredentialsException e) {
            return Future.failedFuture(e);
        }
        warnIfGeneratedCredentialsMeetOthers(config);
        LOG.info("event bus: mutual TLS with {}", credentials);
        // A promise without a context: a failed start closes the Vert.x whose event loops the start ran on, and a
        // future bound to one of them could never deliver the failure.
        Promise<Node> started = Promise.promise();
        ClusteredNode.join(config.cluster(), credentials).onComplete(joined -> {
            if (joined.failed()) {
                started.fail(joined.cause());
                return;
            }
            ClusteredNode cluster = joined.result();
            startOn(config, cluster, token).onComplete(node -> {
                if (node.succeeded()) {
                    started.complete(node.result());
                } else {
                    cluster.vertx().close().onComplete(done -> {
                        cluster.releaseMetrics();
                        started.fail(node.cause());
                    });
                }
            });
        });
        return started.future();
    }

    /**
     * Generated credentials are this data directory's own fleet CA: members with other data directories have
     * other CAs, so their event buses refuse each other while Hazelcast still lets them join.
     */
    private static void warnIfGeneratedCredentialsMeetOthers(NodeConfig config) {
        String self = config.cluster().host() + ":" + config.cluster().port();
        boolean others = config.cluster().discovery() == ClusterSettings.Discovery.KUBERNETES_DNS
                || config.cluster().members().stream().anyMatch(m -> !m.equals(self));
        if (config.cluster().tls().generated() && others) {
            LOG.warn("cluster.tls is not set: this node uses the fleet CA generated in {}; members with another "
                    + "data directory cannot talk to it until every member is configured with the same fleet CA "
                    + "(cluster.tls; see docs/fleet-security.md)",
                    config.dataDir().resolve(FleetCredentials.DATA_DIR_NAME));
        }
    }

    private static Future<Node> startOn(NodeConfig config, ClusteredNode cluster, AdminToken token) {
        Vertx vertx = cluster.vertx();
        MemberRegistry registry = new MemberRegistry(cluster);
        // Before the proxy role accepts a connection: the guard refuses these whatever a rule exempts (README, step 4
        // of "What happens to one connection"). A fixed admin port is known now; port 0 is added once bound.
        OwnEndpointsPublisher ownEndpoints = OwnEndpointsPublisher.start(cluster, registry);
        if (config.admin().enabled() && config.admin().port() > 0) {
            ownEndpoints.admin(config.admin().host(), config.admin().port());
        }
        AtomicBoolean draining = new AtomicBoolean();
        List<String> deployed = new ArrayList<>();
        if (config.bridge().enabled()) {
            ownEndpoints.bridge(config.bridge().host(), config.bridge().port());
        }
        return BusWarmUp.answerPings(vertx, cluster.nodeId())
                .compose(answering -> BusWarmUp.pingMembers(vertx, cluster.nodeId(), cluster.liveNodes(),
                        WARM_UP_TIMEOUT))
                .compose(warm -> new RoleDeployer(vertx).deploy(config.roles(), config.sections()))
                .compose(deployments -> {
                    deployed.addAll(deployments);
                    return config.admin().enabled()
                            ? new AdminServer(vertx, cluster.nodeId(), registry, cluster.metrics(), token,
                            draining::get).listen(config.admin())
                            .onSuccess(server -> ownEndpoints.admin(config.admin().host(), server.actualPort()))
                            : Future.<HttpServer>succeededFuture(null);
                })
                // Only now do other members route role requests here: every role is ready to answer them.
                .compose(admin -> cluster.manager().enterRouting().map(admin))
                .compose(admin -> (config.bridge().enabled()
                        ? PolicyBridge.start(vertx, config.bridge())
                        : Future.<PolicyBridge>succeededFuture(null))
                        .map(bridge -> new Node(config, cluster, registry, ownEndpoints, readListeners(vertx), admin,
                                deployed, draining, bridge)))
                .compose(node -> registry.register(node.registryEntry()).map(node))
                .onSuccess(node -> LOG.info("node {} up with roles {}", node.id(), config.roles()));
    }

    private static Map<String, String> readListeners(Vertx vertx) {
        LocalMap<String, String> published = vertx.sharedData().getLocalMap(LISTENERS_MAP);
        return new TreeMap<>(published);
    }

    /**
     * What the cluster knows of this node: for people (the admin API's member list) and, under
     * {@value RegisteredEndpoint#ENTRY_FIELD}, for the other members' guards, which refuse those endpoints.
     */
    private JsonObject registryEntry() {
        List<RegisteredEndpoint> endpoints = new ArrayList<>();
        JsonObject entry = new JsonObject()
                .put("roles", config.roles().toJson())
                .put("clusterHost", config.cluster().host())
                .put("listeners", new JsonObject(Map.copyOf(listeners)))
                .put("startedAt", Instant.now().toString());
        if (adminPort >= 0) {
            entry.put("admin", "http://" + config.admin().host() + ":" + adminPort);
            endpoints.add(RegisteredEndpoint.admin(config.admin().host(), adminPort));
        }
        if (bridge != null) {
            entry.put("bridge", bridge.host() + ":" + bridge.port());
            endpoints.add(RegisteredEndpoint.bridge(bridge.host(), bridge.port()));
        }
        endpoints.addAll(RegisteredEndpoint.listeners(listeners));
        return entry.put(RegisteredEndpoint.ENTRY_FIELD, RegisteredEndpoint.toJson(endpoints));
    }

    /** This node's cluster id (a UUID). */
    public String id() {
        return cluster.nodeId();
    }

    /** The clustered Vert.x instance. */
    public Vertx vertx() {
        return cluster.vertx();
    }

    /** The configuration the node runs with. */
    public NodeConfig config() {
        return config;
    }

    /** How many members the cluster has now, this node included. */
    public int clusterSize() {
        return cluster.liveNodes().size();
    }

    /** The proxy listeners bound on this node at start, name → {@code "host:port"}; empty without a proxy role. */
    public Map<String, String> listeners() {
        return listeners;
    }

    /** The policy bridge's port, or -1 when it is disabled. */
    public int bridgePort() {
        return bridge == null ? -1 : bridge.port();
    }

    /** The admin API's bound port, or -1 when it is disabled. */
    public int adminPort() {
        return adminPort;
    }

    /**
     * Tells this node's roles to reload (SIGHUP): the policy role reads its file again now, and the proxy's
     * access log is reopened. Other nodes are not told; each is reloaded by its own signal.
     */
    public void reload() {
        LOG.info("node {}: reload requested", id());
        // This node's roles only, by the local bus: the signal reloads one node, and needs no cluster lookup.
        cluster.vertx().eventBus().publish(Addresses.NODE_RELOAD, new JsonObject(),
                new DeliveryOptions().setLocalOnly(true));
        if (config.roles().has(Role.PROXY)) {
            // Blocking, and never on an event loop: this runs on the JVM's signal thread. Files rotated away by
            // logrotate are closed and opened again by name; lines written meanwhile wait for the new file.
            AccessLog.reopen();
            LOG.info("node {}: access log reopened", id());
        }
    }

    /** Whether the node is draining: {@link #close()} has begun, and {@code /readyz} answers 503. */
    public boolean draining() {
        return draining.get();
    }

    /**
     * Drains and stops the node (README, "Drain and rolling restarts"): {@code /readyz} answers 503 at once; the
     * roles are undeployed one after the other, the proxy first (its listeners stop accepting and its open
     * connections may finish, up to {@code proxy.drain-timeout}), then ca, dns and policy, each of which stops
     * taking requests (its consumers leave the cluster's routing) with those it took answered; then the admin API
     * closes, the registry entry goes and the node leaves the cluster. Calling it again returns the same future.
     *
     * @return a future completed once the clustered Vert.x is closed
     */
    public synchronized Future<Void> close() {
        if (closing == null) {
            draining.set(true);
            LOG.info("node {} draining", id());
            // A promise without a context: the Vert.x being closed terminates its event loops, so a future bound
            // to one of them (as the registry's is) could never deliver the completion of close().
            Promise<Void> closed = Promise.promise();
            String id = id();
            // The bridge first: it takes requests for the policy role from outside, and those stop with the drain.
            (bridge == null ? Future.<Void>succeededFuture() : bridge.close().otherwiseEmpty())
                    .transform(ignored -> undeployRoles())
                    .transform(ignored -> {
                        ownEndpoints.close();
                        // The admin server by hand: closing the Vert.x instance left its socket listening (and
                        // accepting into the backlog) until the JVM exited.
                        return admin == null ? Future.<Void>succeededFuture() : admin.close().otherwiseEmpty();
                    })
                    .transform(ignored -> registry.unregister())
                    .onComplete(ignored -> cluster.vertx().close()
                            .onComplete(done -> cluster.releaseMetrics())
                            .onComplete(closed));
            closing = closed.future().onSuccess(ignored -> LOG.info("node {} stopped", id));
        }
        return closing;
    }

    /**
     * Undeploys the roles in the reverse of their start order, each once the one before it is gone; the proxy
     * first. Before the others go, the node is taken out of the bus's routing ({@link RoutingClusterManager}), then
     * waits, at least {@link #LEAVE_GRACE} and until requests stop arriving, with its consumers still answering, so
     * that no request routed here meanwhile is dropped unanswered.
     */
    private Future<Void> undeployRoles() {
        Future<Void> chain = Future.succeededFuture();
        List<Role> roles = List.copyOf(config.roles().roles());
        int lastNonProxy = lastNonProxy(roles);
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String deployment = deployments.get(i);
            if (i == lastNonProxy) {
                chain = chain.transform(ignored -> leaveRouting());
            }
            chain = chain.transform(ignored -> cluster.vertx().undeploy(deployment)
                    .onFailure(failure -> LOG.warn("undeploying {} failed: {}", deployment, failure.toString())));
        }
        return chain.otherwiseEmpty();
    }

    private static int lastNonProxy(List<Role> roles) {
        for (int i = roles.size() - 1; i >= 0; i--) {
            if (roles.get(i) != Role.PROXY) {
                return i;
            }
        }
        return -1;
    }

    private Future<Void> leaveRouting() {
        LOG.info("node {}: leaving the bus's routing; answering what still arrives for at least {} ms, until none "
                + "has for {} ms", id(), LEAVE_GRACE.toMillis(), LEAVE_QUIET.toMillis());
        long startNanos = System.nanoTime();
        LeavingArrivals arrivals = LeavingArrivals.watch(cluster.vertx(), cluster.manager().ownAddresses());
        return cluster.manager().withdraw().otherwiseEmpty()
                .compose(withdrawn -> arrivals.awaitQuiet(LEAVE_GRACE, LEAVE_QUIET, LEAVE_AT_MOST))
                .onSuccess(quiet -> {
                    long waitedMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
                    if (quiet) {
                        LOG.info("node {}: no request arrived for {} ms; stopping the roles after {} ms", id(),
                                LEAVE_QUIET.toMillis(), waitedMs);
                    } else {
                        LOG.warn("node {}: requests still arrive after {} ms out of the bus's routing; stopping "
                                + "the roles anyway, later ones go unanswered", id(), waitedMs);
                    }
                })
                .mapEmpty();
    }
}
