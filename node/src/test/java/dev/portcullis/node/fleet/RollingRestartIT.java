package dev.portcullis.node.fleet;

import dev.portcullis.node.testkit.EchoServer;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.NodeProcess;
import dev.portcullis.node.testkit.TestFleetTls;
import dev.portcullis.node.testkit.TunnelLoad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet of five processes from the built jar, as README "Drain and rolling restarts" describes it: two nodes
 * each with the policy, dns and ca roles, three proxy nodes. A bounded load of new CONNECT tunnels runs through
 * the proxies that answer {@code /readyz} (as a load balancer sends it) while every node is restarted in turn with
 * SIGTERM: not one tunnel fails. Then one policy node is killed with SIGKILL: the tunnels that fail are those that
 * began within 2 s of the kill (whose decision was in flight to it, or went to it before the cluster dropped it),
 * none later. The figures go to the test's output.
 */
@Timeout(600)
class RollingRestartIT {

    /** Decisions are not cached, so every tunnel asks the policy role over the bus. */
    private static final String POLICY = """
            version: 1
            decision-cache-ttl: 0
            default: { action: deny }
            rules:
              - name: echo
                hosts: [echo.test]
                action: allow
                inspection: splice
                destinations: [127.0.0.1/32]
            """;
    private static final Duration START = Duration.ofSeconds(90);
    /** The figures of the run, for the note and README ("Drain and rolling restarts"). */
    private static final Logger LOG = LoggerFactory.getLogger(RollingRestartIT.class);

    @TempDir
    Path dir;
    private final List<NodeProcess> processes = new ArrayList<>();
    private TestFleetTls fleet;
    /** The nodes' logs, kept after the run (failsafe runs in the module directory). */
    private final Path logs = Path.of("target", "rolling-restart-it");

    /** One node of the fleet: its config file and ports, and its process while it runs. */
    private final class FleetNode {
        final String name;
        final Path config;
        final int adminPort;
        final int proxyPort;
        NodeProcess process;
        int starts;

        FleetNode(String name, Path config, int adminPort, int proxyPort) {
            this.name = name;
            this.config = config;
            this.adminPort = adminPort;
            this.proxyPort = proxyPort;
        }

        void start() {
            process = NodeProcess.start(NodeProcess.builtJar(), dir, logs.resolve(name + "-" + (++starts) + ".log"),
                    Map.of(), "--config", config.toString());
            processes.add(process);
            process.awaitHttp200(adminPort, "/readyz", START);
        }
    }

    @AfterEach
    void destroyProcesses() {
        processes.forEach(NodeProcess::close);
    }

    @Test
    void rollingSigtermRestartsLoseNoTunnelAndAKilledPolicyNodeCostsOnlyTheFirstTwoSeconds() throws IOException {
        try (EchoServer echo = EchoServer.start()) {
            List<FleetNode> fleetNodes = fleet();
            fleetNodes.forEach(FleetNode::start);
            List<TunnelLoad.Proxy> proxies = fleetNodes.stream().filter(node -> node.proxyPort > 0)
                    .map(node -> new TunnelLoad.Proxy(node.name, node.proxyPort, node.adminPort)).toList();

            try (TunnelLoad load = TunnelLoad.start(proxies, "echo.test", echo.port(), 3, Duration.ofMillis(20))) {
                load.awaitMore(100, Duration.ofSeconds(60));
                List<String> drains = new ArrayList<>();
                for (FleetNode node : fleetNodes) {
                    long stopAt = load.nowMs();
                    int exit = node.process.stop(Duration.ofSeconds(60));
                    long stoppedAt = load.nowMs();
                    node.start();
                    drains.add(node.name + ": SIGTERM at +" + stopAt + " ms, exited (" + exit + ") at +" + stoppedAt
                            + " ms, ready again at +" + load.nowMs() + " ms");
                    load.awaitMore(100, Duration.ofSeconds(60));
                }
                long rolled = load.succeeded();
                LOG.info("rolling restart: {} tunnels, {} failed; SIGTERM to exit per node: {}", rolled,
                        load.failures().size(), drains);
                assertThat(load.failures()).as("tunnels failed during the rolling restart").isEmpty();

                FleetNode policy = fleetNodes.get(0);
                long killedAt = load.nowMs();
                policy.process.kill();
                load.awaitMore(300, Duration.ofSeconds(60));
                List<TunnelLoad.Failure> failed = load.failures();
                long after = load.succeeded() - rolled;
                LOG.info("kill -9 of {}: {} tunnels failed, {} succeeded after it; failures began at +{}: {}",
                        policy.name, failed.size(), after,
                        failed.stream().map(f -> (f.startedAtMs() - killedAt) + " ms").toList(),
                        failed.stream().map(TunnelLoad.Failure::reason).distinct().collect(Collectors.joining("; ")));
                assertThat(failed).as("tunnels that began 2 s or more after the kill")
                        .allMatch(failure -> failure.startedAtMs() - killedAt < 2000);
            }
        }
    }

    private List<FleetNode> fleet() throws IOException {
        Files.createDirectories(logs);
        fleet = TestFleetTls.generate(dir.resolve("fleet"));
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        List<Integer> ports = FreePorts.take(13);
        List<Integer> members = ports.subList(0, 5);
        String cluster = "rolling-it-" + UUID.randomUUID();
        List<FleetNode> nodes = new ArrayList<>();
        String[] names = {"policy-a", "policy-b", "proxy-1", "proxy-2", "proxy-3"};
        for (int i = 0; i < names.length; i++) {
            boolean proxy = i >= 2;
            int adminPort = ports.get(5 + i);
            int proxyPort = proxy ? ports.get(8 + i) : 0;
            String yaml = nodeYaml(proxy ? "proxy:1" : "policy:1,dns:1,ca:1", names[i], cluster, members.get(i),
                    adminPort, proxyPort, members);
            nodes.add(new FleetNode(names[i], Files.writeString(dir.resolve(names[i] + ".yaml"), yaml), adminPort,
                    proxyPort));
        }
        return nodes;
    }

    /**
     * Proxies drain for at most 10 s after going on accepting for 1 s, which the load's readiness probe (every
     * 100 ms) needs to take them out; both ca nodes share one CA directory, so they sign with the same root.
     */
    private String nodeYaml(String roles, String name, String cluster, int clusterPort, int adminPort,
                            int proxyPort, List<Integer> members) {
        String memberList = members.stream().map(port -> "\"127.0.0.1:" + port + "\"")
                .collect(Collectors.joining(", "));
        return """
                node:    { roles: "%s", data-dir: %s }
                cluster: { name: %s, host: 127.0.0.1, port: %d, members: [%s], tls: %s }
                admin:   { host: 127.0.0.1, port: %d }
                policy:  { file: %s }
                dns:     { static: { echo.test: [127.0.0.1] } }
                ca:      { data-dir: %s }
                proxy:   { explicit: { host: 127.0.0.1, port: %d }, transparent: [], drain-delay: 1s,
                           drain-timeout: 10s }
                """.formatted(roles, dir.resolve("data-" + name), cluster, clusterPort, memberList, fleet.yaml(),
                adminPort, dir.resolve("policy.yaml"), dir.resolve("ca"), proxyPort);
    }
}
