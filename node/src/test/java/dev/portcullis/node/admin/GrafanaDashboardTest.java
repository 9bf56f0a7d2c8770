package dev.portcullis.node.admin;

import dev.portcullis.api.ca.CaClient;
import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCa;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/grafana/portcullis.json asks only for metrics a node really exposes: a node with every role carries a
 * spliced and a decrypted CONNECT, so that every stage has measured something, and each metric name in each
 * panel's PromQL must be in its {@code /metrics} scrape.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "portcullis.json");
    /** PromQL words that look like metric names: aggregations, keywords, and the operators spelled as words. */
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "min", "max", "avg", "count", "group", "stddev",
            "stdvar", "topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio", "by", "without", "on",
            "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "atan2", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static Vertx vertx;
    static TestCluster cluster;
    static TestOrigin origin;
    static TestCa originCa;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        originCa = TestCa.create("Dashboard Test Origin CA");
        origin = TestOrigin.https(vertx, originCa, "inspected.test", "spliced.test");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                default: { action: deny }
                rules:
                  - name: inspected
                    hosts: [inspected.test]
                    action: allow
                    inspection: decrypt
                    destinations: [127.0.0.1/32]
                    http:
                      - { methods: [GET], paths: ["/"], action: allow }
                  - name: spliced
                    hosts: [spliced.test]
                    action: allow
                    destinations: [127.0.0.1/32]
                """);
        JsonObject statics = new JsonObject().put("inspected.test", new JsonArray().add("127.0.0.1"))
                .put("spliced.test", new JsonArray().add("127.0.0.1"));
        cluster = TestCluster.start(TestCluster.node("policy:1,dns:1,ca:1,proxy:1")
                .section("policy", new JsonObject().put("file", policy.toString()))
                .section("dns", new JsonObject().put("static", statics))
                .section("ca", new JsonObject().put("data-dir", dir.resolve("ca").toString()))
                .section("proxy", new JsonObject().put("upstream-ca-file", originCa.certFile().toString())));
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

    @Test
    void everyMetricThePanelsAskForIsInTheNodesScrape() throws Exception {
        int proxy = cluster.listenerPort(0, "explicit");
        Path root = Files.writeString(dir.resolve("root.pem"), new CaClient(cluster.node(0).vertx()).root().await()
                .rootPem());
        Curl.Result spliced = Curl.viaProxy(proxy).caFile(originCa.certFile())
                .get("https://spliced.test:" + origin.port() + "/");
        Curl.Result decrypted = Curl.viaProxy(proxy).caFile(root).get("https://inspected.test:" + origin.port() + "/");
        assertThat(spliced.status()).as(spliced.stderr()).isEqualTo(200);
        assertThat(decrypted.status()).as(decrypted.stderr()).isEqualTo(200);
        // The GC pause timer appears with the first collection after the node bound it.
        System.gc();

        Set<String> wanted = dashboardMetrics(new JsonObject(Files.readString(DASHBOARD)));
        assertThat(wanted).contains("portcullis_policy_decision_seconds_bucket", "portcullis_tunnels_active",
                "jvm_memory_used_bytes");
        // Records (and so the tunnel histogram and rule counters) are written as connections end, a moment after
        // curl saw them end.
        Set<String> missing = Poll.until(Duration.ofSeconds(20), () -> {
            Set<String> scraped = scrapedNames(scrape(cluster.node(0).adminPort()));
            return wanted.stream().filter(name -> !scraped.contains(name)).collect(Collectors.toCollection(TreeSet::new));
        }, Set::isEmpty, "every metric of " + DASHBOARD + " in /metrics");
        assertThat(missing).isEmpty();
    }

    @Test
    void theDashboardChoosesItsPrometheusDataSourceThroughAVariable() throws IOException {
        JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));

        assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream().map(JsonObject.class::cast))
                .anyMatch(variable -> "datasource".equals(variable.getString("type"))
                        && "prometheus".equals(variable.getString("query")));
        assertThat(panels(dashboard)).isNotEmpty().allSatisfy(panel ->
                assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}"));
    }

    @Test
    void metricNamesAreReadOutOfPromQlWithoutFunctionsLabelsOrVariables() {
        String expr = "histogram_quantile(0.99, sum by (le, cache) (rate(a_seconds_bucket{instance=~\"$instance\","
                + "x=\"rate(b)\"}[$__rate_interval]))) / ignoring(job) c_total + topk(5, d) * on(instance) "
                + "group_left e offset 5m";

        assertThat(metricNames(expr)).containsExactlyInAnyOrder("a_seconds_bucket", "c_total", "d", "e");
    }

    private static Set<String> dashboardMetrics(JsonObject dashboard) {
        return panels(dashboard).stream()
                .flatMap(panel -> panel.getJsonArray("targets").stream().map(JsonObject.class::cast))
                .flatMap(target -> metricNames(target.getString("expr")).stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The panels that query (rows do not), nested rows' panels included. */
    private static java.util.List<JsonObject> panels(JsonObject dashboard) {
        return dashboard.getJsonArray("panels").stream().map(JsonObject.class::cast)
                .flatMap(panel -> java.util.stream.Stream.concat(java.util.stream.Stream.of(panel),
                        panel.getJsonArray("panels", new JsonArray()).stream().map(JsonObject.class::cast)))
                .filter(panel -> panel.containsKey("targets"))
                .toList();
    }

    /**
     * The metric names in a PromQL expression: the identifiers left once strings, label matchers ({@code {...}}),
     * ranges ({@code [...]}), grouping labels ({@code by (...)}, {@code on (...)}, ...), Grafana variables and
     * numbers are gone, that are neither a function (followed by {@code (}) nor a PromQL word.
     */
    static Set<String> metricNames(String expr) {
        String text = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ")
                .replaceAll("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(text);
        while (matcher.find()) {
            String name = matcher.group();
            boolean function = text.substring(matcher.end()).stripLeading().startsWith("(");
            if (!function && !PROMQL_WORDS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** Sample names of a Prometheus text exposition (each line's name, before its labels or value). */
    private static Set<String> scrapedNames(String scrape) {
        return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }

    private static String scrape(int adminPort) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
