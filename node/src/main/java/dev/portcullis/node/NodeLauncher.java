package dev.portcullis.node;

import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.Role;
import dev.portcullis.proxy.ProxyOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts one node for the command line and leaves it running: writes the sample policy on a first start, prints
 * where the node listens, registers the shutdown hook that drains the node and leaves the cluster on
 * SIGTERM/SIGINT, and makes SIGHUP reload it ({@link ReloadSignal}).
 */
public final class NodeLauncher {

    /**
     * How long the shutdown hook waits for the node to close, beyond the proxy's drain (its delay and timeout),
     * before letting the JVM go.
     */
    private static final long SHUTDOWN_SECONDS = 20;

    private NodeLauncher() {
    }

    /**
     * Writes the sample policy when this node runs the policy role on the data directory's default file and
     * there is none yet.
     *
     * @throws java.io.UncheckedIOException when it cannot be written
     */
    public static void writeSamplePolicyIfMissing(NodeConfig config, PrintWriter out) {
        if (config.roles().has(Role.POLICY) && config.policyFileIsDefault()
                && SamplePolicy.writeIfMissing(config.policyFile())) {
            out.println("portcullis: no policy found, wrote a sample to " + config.policyFile()
                    + " (denies everything but example.com:443; edit it)");
        }
    }

    /**
     * Starts the node and waits until it is up.
     *
     * @return 0 when it runs (it keeps running: the caller must not exit), 1 when it cannot start, 2 when the
     * configuration is refused on the way (such as an admin API exposed without a token)
     */
    public static int start(NodeConfig config, PrintWriter out, PrintWriter err) {
        Future<Node> starting = Node.start(config);
        // Registered before the start completes, so that a SIGTERM during start-up still leaves cleanly.
        long shutdownSeconds = SHUTDOWN_SECONDS + drainSeconds(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(starting, shutdownSeconds, err),
                "portcullis-shutdown"));
        // Installed before the start completes too: /readyz answers 200 once the node routes requests, a little
        // before start() returns, and a SIGHUP sent on that answer must reload the node, not end the JVM. One that
        // arrives during start-up reloads the node as soon as it is up.
        ReloadSignal.install(() -> starting.onSuccess(Node::reload), err);
        Node node;
        try {
            node = starting.await();
        } catch (RuntimeException e) {
            ConfigException refused = rootConfigException(e);
            if (refused != null) {
                err.println("portcullis: invalid configuration: " + refused.getMessage());
                err.flush();
                return 2;
            }
            err.println("portcullis: cannot start: " + message(e));
            err.flush();
            return 1;
        }
        startupLines(node).forEach(out::println);
        out.flush();
        return 0;
    }

    /** The longest the proxy role may drain: its delay plus its timeout; 0 without a proxy role. */
    static long drainSeconds(NodeConfig config) {
        if (!config.roles().has(Role.PROXY)) {
            return 0;
        }
        ProxyOptions proxy = new ProxyOptions(config.sections().getOrDefault(Role.PROXY, new JsonObject()));
        return proxy.getDrainDelay().plus(proxy.getDrainTimeout()).toSeconds() + 1;
    }

    /** The start-up report: one line for the node, then one per role and listener. */
    static List<String> startupLines(Node node) {
        NodeConfig config = node.config();
        List<String> lines = new ArrayList<>();
        lines.add("portcullis: node " + node.id().substring(0, 8) + "… up, roles " + config.roles()
                + "; cluster '" + config.cluster().name() + "' on " + config.cluster().host() + ", "
                + node.clusterSize() + (node.clusterSize() == 1 ? " member" : " members"));
        if (config.roles().has(Role.POLICY)) {
            lines.add("portcullis: policy " + config.policyFile());
        }
        if (config.roles().has(Role.DNS)) {
            lines.add("portcullis: dns role up");
        }
        if (config.roles().has(Role.CA)) {
            lines.add("portcullis: ca role up; clients of decrypted connections trust "
                    + (node.adminPort() >= 0 ? "http://" + config.admin().host() + ":" + node.adminPort() + "/ca.pem"
                    : "the output of export-ca"));
        }
        for (Map.Entry<String, String> listener : node.listeners().entrySet()) {
            lines.add("portcullis: " + listener.getKey() + " proxy on " + listener.getValue());
        }
        if (node.adminPort() >= 0) {
            lines.add("portcullis: admin on http://" + config.admin().host() + ":" + node.adminPort());
        }
        if (node.bridgePort() >= 0) {
            lines.add("portcullis: policy bridge on " + config.bridge().host() + ":" + node.bridgePort()
                    + " (TLS, client certificates required; docs/policy-clients.md)");
        }
        return lines;
    }

    private static void close(Future<Node> starting, long shutdownSeconds, PrintWriter err) {
        Node node;
        try {
            node = starting.await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | RuntimeException e) {
            // Start-up failed or hangs: a failed start has stopped everything itself, and start() reports it.
            return;
        }
        try {
            node.close().await(shutdownSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("portcullis: node did not stop within " + shutdownSeconds + " s; exiting anyway");
        } catch (RuntimeException e) {
            err.println("portcullis: unclean shutdown: " + message(e));
        }
        err.flush();
    }

    private static ConfigException rootConfigException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException config) {
                return config;
            }
        }
        return null;
    }

    /** What actually went wrong, for one line: {@code Future.await()} wraps checked causes. */
    public static String message(Throwable failure) {
        Throwable shown = failure;
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getClass() == RuntimeException.class)) {
            shown = shown.getCause();
        }
        return shown.getMessage() == null ? shown.toString() : shown.getMessage();
    }
}
