package dev.portcullis.node.deploy;

import dev.portcullis.dns.DnsOptions;
import dev.portcullis.node.cli.PortcullisCommand;
import dev.portcullis.node.config.ConfigLoader;
import dev.portcullis.node.config.EnvOverrides;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.Role;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.policy.load.LoadedPolicy;
import dev.portcullis.policy.load.PolicyWatcher;
import dev.portcullis.proxy.LimitOptions;
import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.proxy.TransparentListenerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.portcullis.node.deploy.Manifests.at;
import static dev.portcullis.node.deploy.Manifests.list;
import static dev.portcullis.node.deploy.Manifests.map;
import static dev.portcullis.node.deploy.Manifests.maps;
import static dev.portcullis.node.deploy.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s/, the Dockerfile and deploy/systemd/ checked against the node itself: each Deployment's configuration
 * goes through the node's own loading (the code {@code portcullis check} runs), its ports, variables, probes and
 * mounted files must be ones that configuration uses, and the command lines must parse with the real CLI.
 */
class DeployManifestsTest {

    /** What status.podIP stands for while the configuration is loaded here. */
    private static final String POD_IP = "10.244.1.7";
    /** proxy.drain-timeout's default (docs/configuration.md): the pods and the unit must wait longer. */
    private static final int DRAIN_SECONDS = 30;
    private static final Path DOCKERFILE = Path.of("..", "Dockerfile");
    private static final Path UNIT = Path.of("..", "deploy", "systemd", "portcullis.service");
    /** The JVM options every deploy file ships (deploy/README.md, "JVM options"). */
    private static final String JAVA_OPTS = "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC"
            + " -Xms16m -XX:TrimNativeHeapInterval=10000";

    private static final Manifests K8S = Manifests.read();
    private static Vertx vertx;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().await();
    }

    static Stream<String> deployments() {
        return K8S.ofKind("Deployment").stream().map(Manifests::name);
    }

    @Test
    void theKustomizationListsEveryManifestAndThereAreThreeDeployments() throws IOException {
        Set<String> files;
        try (Stream<Path> listing = Files.list(Manifests.K8S)) {
            files = listing.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        assertThat(list(K8S.kustomization().get("resources"))).containsExactlyInAnyOrderElementsOf(files);
        assertThat(deployments()).containsExactlyInAnyOrder("portcullis-proxy", "portcullis-policy-dns",
                "portcullis-ca");
    }

    @ParameterizedTest(name = "{0}: its configuration loads and discovers by the headless Service")
    @MethodSource("deployments")
    void theNodeConfigurationPassesTheNodesOwnLoadingAndNamesTheHeadlessService(String deployment)
            throws IOException {
        NodeConfig config = config(deployment);
        Map<String, Object> service = K8S.named("Service", "portcullis-hz");
        String namespace = (String) K8S.kustomization().get("namespace");

        assertThat(config.cluster().host()).as("cluster.host from status.podIP").isEqualTo(POD_IP);
        assertThat(config.cluster().discovery().value()).isEqualTo("kubernetes-dns");
        assertThat(config.cluster().serviceDns()).isEqualTo("portcullis-hz." + namespace + ".svc.cluster.local");
        assertThat(at(service, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(service, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(maps(at(service, "spec", "ports"))).singleElement()
                .satisfies(port -> assertThat(port.get("port")).isEqualTo(config.cluster().port()));
        assertThat(podLabels(deployment)).containsAllEntriesOf(stringMap(at(service, "spec", "selector")));
    }

    @ParameterizedTest(name = "{0}: containerPorts are the ports its node binds")
    @MethodSource("deployments")
    void everyContainerPortIsAPortTheNodeBindsAndEveryBoundPortIsDeclared(String deployment) throws IOException {
        Set<Integer> declared = new HashSet<>(containerPorts(deployment).values());

        assertThat(declared).containsExactlyInAnyOrderElementsOf(boundPorts(config(deployment)));
    }

    @ParameterizedTest(name = "{0}: every variable it sets is read by the node or the image")
    @MethodSource("deployments")
    void everyEnvironmentVariableIsOneTheNodeOrTheImageReads(String deployment) throws IOException {
        Map<String, Map<String, Object>> env = env(deployment);
        String entrypoint = dockerfile().get("ENTRYPOINT").get(0);

        for (String variable : env.keySet()) {
            if (variable.startsWith(EnvOverrides.PREFIX)) {
                assertThat(EnvOverrides.bindings()).as(variable).containsKey(variable);
            } else {
                assertThat(variable).isEqualTo("JAVA_OPTS");
                assertThat(entrypoint).contains("$JAVA_OPTS");
            }
        }
        assertThat(at(env.get("PORTCULLIS_CLUSTER_HOST"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.podIP");
        assertThat((String) env.get("JAVA_OPTS").get("value")).isEqualTo(JAVA_OPTS);
    }

    @ParameterizedTest(name = "{0}: the files its configuration names are mounted")
    @MethodSource("deployments")
    void theFilesTheConfigurationNamesAreInMountedSecretsAndConfigMaps(String deployment) throws IOException {
        NodeConfig config = config(deployment);
        Map<String, Map<String, Object>> mounts = mounts(deployment);

        assertThat(sourceOf(mounts, config.cluster().tls().certFile())).isEqualTo("secret portcullis-fleet");
        assertThat(sourceOf(mounts, config.cluster().tls().keyFile())).isEqualTo("secret portcullis-fleet");
        assertThat(sourceOf(mounts, config.cluster().tls().trustFile())).isEqualTo("secret portcullis-fleet");
        assertThat(sourceOf(mounts, config.admin().tokenFile())).isEqualTo("secret portcullis-admin-token");
        assertThat(sourceOf(mounts, config.dataDir())).isEqualTo("emptyDir");
        if (config.roles().has(Role.POLICY)) {
            assertThat(sourceOf(mounts, config.policyFile())).isEqualTo("configMap portcullis-policy");
            assertThat(stringMap(at(K8S.named("ConfigMap", "portcullis-policy"), "data")))
                    .containsKey(config.policyFile().getFileName().toString());
        }
        if (config.roles().has(Role.CA)) {
            JsonObject ca = config.sections().get(Role.CA);
            assertThat(sourceOf(mounts, Path.of(ca.getString("cert-file")))).isEqualTo("secret portcullis-ca");
            assertThat(sourceOf(mounts, Path.of(ca.getString("key-file")))).isEqualTo("secret portcullis-ca");
        }
    }

    @Test
    void thePolicyConfigMapIsAValidPolicy() throws Exception {
        LoadedPolicy loaded = new PolicyWatcher(policyFile()).load();

        assertThat(loaded.rules()).isPositive();
    }

    @Test
    void everyProbeIsOnTheAdminPortAndAnswersWithoutTheTokenOnARealNode() throws Exception {
        Set<String> paths = new TreeSet<>();
        for (String deployment : deployments().toList()) {
            Map<String, Object> container = container(deployment);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Object httpGet = at(container, probe, "httpGet");
                assertThat(httpGet).as(deployment + " " + probe).isNotNull();
                assertThat(containerPorts(deployment).get((String) at(httpGet, "port")))
                        .as(deployment + " " + probe + " port").isEqualTo(config(deployment).admin().port());
                paths.add((String) at(httpGet, "path"));
            }
            assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
            assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
        }
        // As in the pods: a token configured, probes sent without it (the kubelet cannot send a secret).
        Path token = Files.writeString(dir.resolve("token"), "probe-test-token-0123456789");
        HttpClient http = HttpClient.newHttpClient();
        try (TestCluster cluster = TestCluster.start(TestCluster.node("policy:1,dns:1")
                .section("policy", new JsonObject().put("file", policyFile().toString()))
                .section("admin", new JsonObject().put("token-file", token.toString())))) {
            int admin = cluster.node(0).adminPort();
            for (String path : paths) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + admin + path)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("GET " + path + ": " + answer.body()).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest(name = "{0}: the pod runs hardened and outlasts the drain")
    @MethodSource("deployments")
    void thePodRunsAsTheImagesNonRootUserReadOnlyAndOutlastsTheDrain(String deployment) throws IOException {
        Map<String, Object> pod = map(at(deploymentNamed(deployment), "spec", "template", "spec"));
        Map<String, Object> container = container(deployment);
        int imageUid = Integer.parseInt(dockerfile().get("USER").get(0).split(":")[0]);

        assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(imageUid);
        assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(container, "securityContext", "capabilities", "drop"))).contains("ALL");
        assertThat(at(container, "resources", "requests", "memory")).isNotNull();
        assertThat(at(container, "resources", "limits", "memory")).isNotNull();
        assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThan(DRAIN_SECONDS);
        assertThat(sourceOf(mounts(deployment), Path.of("/tmp/x"))).as("a writable /tmp").isEqualTo("emptyDir");
        assertThat((Integer) at(deploymentNamed(deployment), "spec", "replicas")).isPositive();
    }

    @ParameterizedTest(name = "{0}: exactly one PodDisruptionBudget selects its pods")
    @MethodSource("deployments")
    void everyDeploymentHasOnePodDisruptionBudgetSelectingOnlyItsPods(String deployment) {
        List<String> budgets = K8S.ofKind("PodDisruptionBudget").stream()
                .filter(pdb -> selects(pdb, deployment)).map(Manifests::name).toList();

        assertThat(budgets).hasSize(1);
        Map<String, Object> budget = K8S.named("PodDisruptionBudget", budgets.get(0));
        assertThat(deployments().filter(other -> selects(budget, other))).containsExactly(deployment);
        assertThat(stringMap(at(deploymentNamed(deployment), "spec", "selector", "matchLabels")))
                .isEqualTo(stringMap(at(budget, "spec", "selector", "matchLabels")));
    }

    @Test
    void theNetworkPolicyAdmitsOnlyFleetPodsToTheHazelcastAndEventBusPorts() throws IOException {
        Map<String, String> fleet = stringMap(at(K8S.named("Service", "portcullis-hz"), "spec", "selector"));
        Set<Integer> clusterPorts = new HashSet<>();
        for (String deployment : deployments().toList()) {
            NodeConfig config = config(deployment);
            clusterPorts.add(config.cluster().port());
            clusterPorts.add(config.cluster().eventBusPort());
        }
        assertThat(clusterPorts).doesNotContain(0);
        Set<Integer> admittedFromFleet = new HashSet<>();
        for (Map<String, Object> policy : K8S.ofKind("NetworkPolicy")) {
            Map<String, String> selected = stringMap(at(policy, "spec", "podSelector", "matchLabels"));
            boolean coversFleet = deployments().allMatch(d -> podLabels(d).entrySet().containsAll(selected.entrySet()));
            for (Map<String, Object> rule : maps(at(policy, "spec", "ingress"))) {
                Set<Integer> ports = maps(rule.get("ports")).stream().map(port -> (Integer) port.get("port"))
                        .collect(Collectors.toSet());
                List<Map<String, Object>> from = maps(rule.get("from"));
                boolean onlyFleet = !from.isEmpty() && from.stream().allMatch(peer -> peer.keySet()
                        .equals(Set.of("podSelector")) && stringMap(at(peer, "podSelector", "matchLabels"))
                        .entrySet().containsAll(fleet.entrySet()));
                if (onlyFleet && coversFleet) {
                    admittedFromFleet.addAll(ports);
                } else {
                    assertThat(ports).as(name(policy) + " opens a cluster port beyond the fleet")
                            .doesNotContainAnyElementsOf(clusterPorts).isNotEmpty();
                }
            }
            assertThat(list(at(policy, "spec", "policyTypes"))).contains("Ingress");
        }

        assertThat(admittedFromFleet).containsAll(clusterPorts);
    }

    @Test
    void servicesTargetPortsTheirPodsDeclare() {
        for (Map<String, Object> service : K8S.ofKind("Service")) {
            Map<String, String> selector = stringMap(at(service, "spec", "selector"));
            List<String> selected = deployments()
                    .filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as(name(service)).isNotEmpty();
            for (Map<String, Object> port : maps(at(service, "spec", "ports"))) {
                for (String deployment : selected) {
                    assertThat(containerPorts(deployment)).as(name(service) + " → " + deployment)
                            .containsKey((String) port.get("targetPort"));
                }
            }
        }
    }

    @Test
    void theDockerfileExposesFleetPortsRunsTheBuiltJarAndANonRootUser() throws IOException {
        Map<String, List<String>> docker = dockerfile();
        Set<Integer> bound = new HashSet<>();
        for (String deployment : deployments().toList()) {
            bound.addAll(boundPorts(config(deployment)));
        }
        String pom = Files.readString(Path.of("pom.xml"));
        String copy = docker.get("COPY").stream().filter(line -> line.startsWith("--from=build")).findFirst()
                .orElseThrow();
        String jar = copy.split("\\s+")[2];

        assertThat(docker.get("FROM")).containsExactly("maven:3-eclipse-temurin-17 AS build", "eclipse-temurin:17-jre");
        assertThat(docker.get("RUN").get(0)).isEqualTo("mvn -B -q package -DskipTests");
        assertThat(Arrays.stream(docker.get("EXPOSE").get(0).split("\\s+")).map(Integer::valueOf))
                .isSubsetOf(bound).contains(3128, 9191);
        assertThat(pom).contains("<finalName>portcullis</finalName>");
        assertThat(copy.split("\\s+")[1]).isEqualTo("/src/node/target/portcullis.jar");
        assertThat(docker.get("ENTRYPOINT").get(0)).contains("exec java $JAVA_OPTS -jar " + jar);
        assertThat(jar).isEqualTo("/opt/portcullis/portcullis.jar");
        assertThat(docker.get("USER").get(0)).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(docker.get("VOLUME")).containsExactly("/var/lib/portcullis");
    }

    @Test
    void theSystemdUnitReloadsWithHupIsHardenedAndItsCommandLinesParse() throws IOException {
        Map<String, List<String>> unit = unit();

        assertThat(unit.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
        assertThat(unit.get("KillSignal")).containsExactly("SIGTERM");
        assertThat(Integer.parseInt(unit.get("TimeoutStopSec").get(0))).isGreaterThan(DRAIN_SECONDS);
        Map<String, String> hardening = Map.of("DynamicUser", "yes", "StateDirectory", "portcullis",
                "ProtectSystem", "strict", "ProtectHome", "yes", "NoNewPrivileges", "yes", "PrivateTmp", "yes",
                "CapabilityBoundingSet", "");
        hardening.forEach((key, value) -> assertThat(unit.get(key)).as(key).containsExactly(value));
        List<String> check = jarArguments(unit.get("ExecStartPre").get(0));
        List<String> start = jarArguments(unit.get("ExecStart").get(0));
        assertThat(check).startsWith("check");
        assertThat(check.subList(1, check.size())).isEqualTo(start);
        assertThat(parse(check).subcommand().commandSpec().name()).isEqualTo("check");
        assertThat(parse(start).subcommand()).as("no subcommand: start a node").isNull();
        assertThat(unit.get("ExecStart").get(0)).contains("$JAVA_OPTS");
        assertThat(start).contains("--data-dir", "/var/lib/portcullis");
    }

    @Test
    void theImageTheUnitAndEveryDeploymentShipTheSameJvmOptionsAndMallocArenas() throws IOException {
        Map<String, String> image = variables(dockerfile().get("ENV"));
        Map<String, String> unit = variables(unit().get("Environment"));
        Map<String, String> shipped = new LinkedHashMap<>();
        shipped.put("Dockerfile", image.get("JAVA_OPTS"));
        shipped.put("systemd unit", unit.get("JAVA_OPTS"));
        deployments().forEach(d -> shipped.put(d, (String) env(d).get("JAVA_OPTS").get("value")));

        shipped.forEach((file, options) -> assertThat(options).as(file).isEqualTo(JAVA_OPTS));
        assertThat(image.get("MALLOC_ARENA_MAX")).isEqualTo("2");
        assertThat(unit.get("MALLOC_ARENA_MAX")).isEqualTo(image.get("MALLOC_ARENA_MAX"));
        deployments().forEach(d -> assertThat(env(d)).as(d + " keeps the image's arenas").doesNotContainKey(
                "MALLOC_ARENA_MAX"));
    }

    @Test
    void theSystemdUnitOpensTwoDescriptorsPerConnectionTheNodeAdmits() throws IOException {
        int limit = Integer.parseInt(unit().get("LimitNOFILE").get(0));

        assertThat(limit).isGreaterThan(2 * LimitOptions.DEFAULT_MAX_CONNECTIONS);
    }

    /** The unit's {@code KEY=VALUE} lines, by key, values in order. */
    private static Map<String, List<String>> unit() throws IOException {
        Map<String, List<String>> unit = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            int equals = line.indexOf('=');
            if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("[") && equals > 0) {
                unit.computeIfAbsent(line.substring(0, equals), key -> new ArrayList<>()).add(line.substring(equals + 1));
            }
        }
        return unit;
    }

    /** {@code NAME=VALUE} assignments as an image's ENV or a unit's Environment= writes them, quotes taken off. */
    private static Map<String, String> variables(List<String> assignments) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String assignment : assignments) {
            String a = assignment.startsWith("\"") && assignment.endsWith("\"")
                    ? assignment.substring(1, assignment.length() - 1) : assignment;
            int equals = a.indexOf('=');
            String value = a.substring(equals + 1);
            if (value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            variables.put(a.substring(0, equals), value);
        }
        return variables;
    }

    private static CommandLine.ParseResult parse(List<String> args) {
        return PortcullisCommand.commandLine(new PortcullisCommand(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())).parseArgs(args.toArray(String[]::new));
    }

    /** What follows {@code -jar <jar>} on a unit's command line. */
    private static List<String> jarArguments(String command) {
        List<String> words = List.of(command.trim().split("\\s+"));
        int jar = words.indexOf("-jar");
        assertThat(words.get(jar + 1)).isEqualTo("/opt/portcullis/portcullis.jar");
        return words.subList(jar + 2, words.size());
    }

    /** The Dockerfile's instructions of the last stage's kind, continuation lines joined, in order. */
    private static Map<String, List<String>> dockerfile() throws IOException {
        String text = Files.readString(DOCKERFILE).replaceAll("\\\\\n\\s*", " ");
        Map<String, List<String>> instructions = new HashMap<>();
        Matcher line = Pattern.compile("(?m)^([A-Z]+)\\s+(.*)$").matcher(text);
        while (line.find()) {
            instructions.computeIfAbsent(line.group(1), key -> new ArrayList<>()).add(line.group(2).trim());
        }
        return instructions;
    }

    /**
     * The node configuration of a Deployment as the node would load it: its {@code --config} files, found in the
     * ConfigMaps mounted at their directories, and the variables it sets ({@code status.podIP} as {@link #POD_IP}).
     */
    private static NodeConfig config(String deployment) throws IOException {
        List<String> args = list(container(deployment).get("args")).stream().map(String::valueOf).toList();
        Map<String, Map<String, Object>> mounts = mounts(deployment);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--config")) {
                Path path = Path.of(args.get(i + 1));
                String source = sourceOf(mounts, path);
                assertThat(source).as(path + " is in a mounted ConfigMap").startsWith("configMap ");
                Map<String, String> data = stringMap(at(K8S.named("ConfigMap", source.substring(10)), "data"));
                String key = path.getFileName().toString();
                assertThat(data).as("ConfigMap " + source + " key").containsKey(key);
                Path copy = Files.createDirectories(dir.resolve(deployment)).resolve(key);
                files.add(Files.writeString(copy, data.get(key)));
            }
        }
        assertThat(files).as(deployment + " --config").isNotEmpty();
        Map<String, String> env = new HashMap<>();
        env(deployment).forEach((variable, entry) -> {
            if (variable.startsWith(EnvOverrides.PREFIX)) {
                Object value = entry.get("value");
                env.put(variable, value != null ? String.valueOf(value)
                        : "status.podIP".equals(at(entry, "valueFrom", "fieldRef", "fieldPath")) ? POD_IP : null);
            }
        });
        return ConfigLoader.loadFiles(vertx, files, env).await().validate();
    }

    /** The ports a node with this configuration listens on. */
    private static Set<Integer> boundPorts(NodeConfig config) {
        Set<Integer> ports = new HashSet<>(List.of(config.cluster().port(), config.cluster().eventBusPort(),
                config.admin().port()));
        if (config.roles().has(Role.PROXY)) {
            ProxyOptions proxy = new ProxyOptions(config.sections().get(Role.PROXY));
            ports.add(proxy.getExplicitPort());
            proxy.getTransparent().stream().map(TransparentListenerOptions::getPort).forEach(ports::add);
        }
        if (config.roles().has(Role.DNS)) {
            int serve = new DnsOptions(config.sections().get(Role.DNS)).getServePort();
            if (serve > 0) {
                ports.add(serve);
            }
        }
        return ports;
    }

    /** The volume behind the mount that holds {@code file}: {@code "configMap NAME"}, {@code "secret NAME"}, .... */
    private static String sourceOf(Map<String, Map<String, Object>> mounts, Path file) {
        assertThat(file).isNotNull();
        Path absolute = file.toAbsolutePath().normalize();
        return mounts.entrySet().stream().filter(mount -> absolute.startsWith(mount.getKey()))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(mount -> {
                    Map<String, Object> volume = mount.getValue();
                    if (volume.containsKey("configMap")) {
                        return "configMap " + at(volume, "configMap", "name");
                    }
                    if (volume.containsKey("secret")) {
                        return "secret " + at(volume, "secret", "secretName");
                    }
                    return volume.containsKey("emptyDir") ? "emptyDir" : String.valueOf(volume.keySet());
                }).orElse("no mount");
    }

    /** Mount path → its volume. */
    private static Map<String, Map<String, Object>> mounts(String deployment) {
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Map<String, Object> volume : maps(at(deploymentNamed(deployment), "spec", "template", "spec", "volumes"))) {
            volumes.put((String) volume.get("name"), volume);
        }
        Map<String, Map<String, Object>> mounts = new HashMap<>();
        for (Map<String, Object> mount : maps(container(deployment).get("volumeMounts"))) {
            assertThat(volumes).as(deployment + " volume").containsKey((String) mount.get("name"));
            mounts.put((String) mount.get("mountPath"), volumes.get((String) mount.get("name")));
        }
        return mounts;
    }

    private static Map<String, Map<String, Object>> env(String deployment) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        maps(container(deployment).get("env")).forEach(entry -> env.put((String) entry.get("name"), entry));
        return env;
    }

    /** Port name → containerPort. */
    private static Map<String, Integer> containerPorts(String deployment) {
        Map<String, Integer> ports = new HashMap<>();
        maps(container(deployment).get("ports")).forEach(port ->
                ports.put((String) port.get("name"), (Integer) port.get("containerPort")));
        return ports;
    }

    private static Map<String, Object> container(String deployment) {
        List<Map<String, Object>> containers = maps(at(deploymentNamed(deployment), "spec", "template", "spec",
                "containers"));
        assertThat(containers).as(deployment + " containers").hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Object> deploymentNamed(String deployment) {
        return K8S.named("Deployment", deployment);
    }

    private static Map<String, String> podLabels(String deployment) {
        Map<String, String> labels = stringMap(at(deploymentNamed(deployment), "spec", "template", "metadata",
                "labels"));
        assertThat(labels).containsAllEntriesOf(stringMap(at(deploymentNamed(deployment), "spec", "selector",
                "matchLabels")));
        return labels;
    }

    private static boolean selects(Map<String, Object> budget, String deployment) {
        Map<String, String> selector = stringMap(at(budget, "spec", "selector", "matchLabels"));
        return !selector.isEmpty() && podLabels(deployment).entrySet().containsAll(selector.entrySet());
    }

    private static Path policyFile() throws IOException {
        String policy = stringMap(at(K8S.named("ConfigMap", "portcullis-policy"), "data")).get("policy.yaml");
        return Files.writeString(dir.resolve("policy.yaml"), policy);
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> strings = new LinkedHashMap<>();
        map(value).forEach((key, entry) -> strings.put(key, String.valueOf(entry)));
        return strings;
    }
}
