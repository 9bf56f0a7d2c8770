package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {

    private static final List<Target> TARGETS = List.of(new Target("direct", null, null),
            new Target("portcullis", new InetSocketAddress("127.0.0.1", 3128), null),
            new Target("squid", new InetSocketAddress("127.0.0.1", 3130), null));

    @Test
    void ratiosCompareEachProxyWithDirectAndPortcullisWithEachPeer() {
        List<CellResult> results = List.of(
                cell("direct", 16, 8000, null, Map.of()),
                cell("portcullis", 16, 6000, 300.0, Map.of()),
                cell("squid", 16, 4000, 600.0, Map.of("CONNECT answered 403", 2L)));

        String table = new MarkdownTable(Scenario.TUNNEL_PLAIN, TARGETS, Set.of("portcullis", "squid"), results)
                .render();

        String[] lines = table.split("\n");
        assertThat(lines[0]).isEqualTo("| c | direct req/s | portcullis req/s | squid req/s | portcullis/direct"
                + " | squid/direct | portcullis/squid | direct p50/p99 ms | portcullis p50/p99 ms"
                + " | squid p50/p99 ms | portcullis CPU µs/req | squid CPU µs/req | portcullis/squid CPU | errors |");
        assertThat(lines[2]).isEqualTo("| 16 | 8,000 | 6,000 | 4,000 | 0.75 | 0.50 | 1.50 | 0.25 / 2.00"
                + " | 0.25 / 2.00 | 0.25 / 2.00 | 300 | 600 | 0.50 | squid 2 |");
        assertThat(table).contains("- squid at c=16: 2 × CONNECT answered 403");
    }

    @Test
    void aTargetWithNothingCompletedShowsDashesNotZeroRatios() {
        List<CellResult> results = List.of(
                cell("direct", 1, 1000, null, Map.of()),
                cell("portcullis", 1, 0, null, Map.of("ConnectException: Connection refused", 7L)),
                cell("squid", 1, 500, null, Map.of()));

        String row = new MarkdownTable(Scenario.TUNNEL_PLAIN, TARGETS, Set.of(), results).render().split("\n")[2];

        assertThat(row).isEqualTo("| 1 | 1,000 | - | 500 | - | 0.50 | - | 0.25 / 2.00 | - | 0.25 / 2.00"
                + " | portcullis 7 |");
    }

    private static CellResult cell(String target, int c, long perSecond, Double cpuMicrosPerRequest,
                                   Map<String, Long> errors) {
        long iterations = perSecond * 5;
        Samples.Percentiles latency = iterations == 0 ? Samples.Percentiles.NONE
                : new Samples.Percentiles(250_000, 2_000_000, (int) iterations);
        Double cpu = cpuMicrosPerRequest == null ? null : cpuMicrosPerRequest * iterations;
        return new CellResult(Scenario.TUNNEL_PLAIN, target, c, 5.0, iterations, 13 * iterations, latency, cpu,
                errors, Map.of(), "");
    }
}
