package dev.portcullis.node;

import dev.portcullis.ca.CaExport;
import dev.portcullis.ca.CaOptions;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.ConfigLoader;
import dev.portcullis.node.config.LoadedConfig;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.fleet.FleetDirectory;
import dev.portcullis.node.roles.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code java -jar portcullis.jar [--config FILE] [--roles proxy:2,policy:1,dns:1] [--data-dir DIR] [--help]}:
 * starts one node and prints where it listens. {@code --export-ca} and {@code --init-fleet DIR} do one thing and
 * exit.
 *
 * <p>Exit codes: 0 after {@code --help}; 1 when the node cannot start (a role failed, the cluster or admin port
 * cannot be bound); 2 for a bad command line or configuration (an admin API exposed without a token too). A started node runs until SIGTERM/SIGINT, then
 * undeploys its roles and leaves the cluster before the JVM exits.
 */
public final class Main {

    /** How long the shutdown hook waits for the node to close before letting the JVM go. */
    private static final long SHUTDOWN_SECONDS = 20;

    private Main() {
    }

    public static void main(String[] args) {
        // Hazelcast reads its logging type before it reads its config; without this its first lines go to JUL.
        if (System.getProperty("hazelcast.logging.type") == null) {
            System.setProperty("hazelcast.logging.type", "slf4j");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (UsageException e) {
            err.println("portcullis: " + e.getMessage());
            err.print(Arguments.USAGE);
            System.exit(2);
            return;
        }
        if (arguments.help()) {
            out.print(Arguments.USAGE);
            return;
        }
        NodeConfig config;
        try {
            config = load(arguments);
            // --init-fleet only writes credentials: no sample policy appears in the working directory.
            if (arguments.initFleet() == null && config.roles().has(Role.POLICY) && config.policyFileIsDefault()
                    && SamplePolicy.writeIfMissing(config.policyFile())) {
                out.println("portcullis: no policy found, wrote a sample to " + config.policyFile()
                        + " (denies everything but example.com:443; edit it)");
            }
        } catch (ConfigException | UncheckedIOException e) {
            err.println("portcullis: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (arguments.exportCa()) {
            System.exit(exportCa(config, out, err));
            return;
        }
        if (arguments.initFleet() != null) {
            System.exit(initFleet(arguments.initFleet(), config, out, err));
            return;
        }
        Future<Node> starting = Node.start(config);
        // Registered before the start completes, so that a SIGTERM during start-up still leaves cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(starting, err), "portcullis-shutdown"));
        Node node;
        try {
            node = starting.await();
        } catch (RuntimeException e) {
            if (rootConfigException(e) != null) {
                err.println("portcullis: invalid configuration: " + rootConfigException(e).getMessage());
                System.exit(2);
                return;
            }
            err.println("portcullis: cannot start: " + message(e));
            System.exit(1);
            return;
        }
        startupLines(node).forEach(out::println);
    }

    /** Prints the root certificate of the CA the configuration names (never a key); 0 on success, 1 otherwise. */
    private static int exportCa(NodeConfig config, PrintStream out, PrintStream err) {
        try {
            out.print(CaExport.rootPem(new CaOptions(config.sections().get(Role.CA))));
            return 0;
        } catch (RuntimeException e) {
            err.println("portcullis: cannot export the CA certificate: " + message(e));
            return 1;
        }
    }

    /**
     * Writes (or completes) fleet credentials in {@code directory} and prints the {@code cluster.tls} settings
     * naming them; 0 on success, 1 otherwise. Never prints key material.
     */
    private static int initFleet(Path directory, NodeConfig config, PrintStream out, PrintStream err) {
        try {
            FleetDirectory fleet = FleetDirectory.of(directory);
            fleet.ensure(config.cluster().host());
            Path dir = fleet.directory();
            out.println("portcullis: fleet credentials for " + config.cluster().host() + " in " + dir
                    + " (keep " + FleetDirectory.CA_KEY + " private); configure every member with:");
            out.println("cluster:");
            out.println("  tls: { cert-file: " + dir.resolve(FleetDirectory.NODE_CERT) + ", key-file: "
                    + dir.resolve(FleetDirectory.NODE_KEY) + ", trust-file: " + dir.resolve(FleetDirectory.CA_CERT)
                    + " }");
            return 0;
        } catch (RuntimeException e) {
            err.println("portcullis: cannot write fleet credentials: " + message(e));
            return 1;
        }
    }

    private static ConfigException rootConfigException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigException config) {
                return config;
            }
        }
        return null;
    }

    private static NodeConfig load(Arguments arguments) {
        // vertx-config needs a Vert.x; the clustered one cannot exist before its settings are read.
        Vertx loader = Vertx.vertx();
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(loader, arguments.config()).await();
        } finally {
            loader.close().await();
        }
        if (arguments.roles() != null) {
            loaded = loaded.withFlag("node", "roles", arguments.roles().spec(), "--roles");
        }
        if (arguments.dataDir() != null) {
            loaded = loaded.withFlag("node", "data-dir", arguments.dataDir().toString(), "--data-dir");
        }
        return loaded.validate();
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
                    : "the output of --export-ca"));
        }
        for (Map.Entry<String, String> listener : node.listeners().entrySet()) {
            lines.add("portcullis: " + listener.getKey() + " proxy on " + listener.getValue());
        }
        if (node.adminPort() >= 0) {
            lines.add("portcullis: admin on http://" + config.admin().host() + ":" + node.adminPort());
        }
        return lines;
    }

    private static void close(Future<Node> starting, PrintStream err) {
        Node node;
        try {
            node = starting.await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | RuntimeException e) {
            // Start-up failed or hangs: a failed start has stopped everything itself, and main reports it.
            return;
        }
        try {
            node.close().await(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("portcullis: node did not stop within " + SHUTDOWN_SECONDS + " s; exiting anyway");
        } catch (RuntimeException e) {
            err.println("portcullis: unclean shutdown: " + message(e));
        }
    }

    private static String message(Throwable failure) {
        Throwable shown = failure;
        // Future.await() wraps checked causes; report what actually went wrong.
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getClass() == RuntimeException.class)) {
            shown = shown.getCause();
        }
        return shown.getMessage() == null ? shown.toString() : shown.getMessage();
    }
}
