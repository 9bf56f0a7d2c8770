package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepeatSummaryTest {

    private static final List<Target> TARGETS = List.of(new Target("direct", null, null),
            new Target("portcullis", new InetSocketAddress("127.0.0.1", 3128), null),
            new Target("squid", new InetSocketAddress("127.0.0.1", 3130), null));
    private static final RepeatSummary SUMMARY = new RepeatSummary(TARGETS, Set.of("portcullis", "squid"), 2.0);

    @Test
    void eachRatioIsTheMedianOverTheQuietRepetitionsWithItsSpread() {
        List<RepeatSummary.Repetition> repetitions = List.of(
                repetition(0.5, 6000, 4000, 300.0, 600.0),
                repetition(1.0, 5000, 5000, 400.0, 500.0),
                repetition(1.9, 7000, 3500, 350.0, 700.0),
                // On a busy machine: counted, it would move every median.
                repetition(3.5, 1000, 9000, 900.0, 100.0));

        String summary = SUMMARY.render(List.of(Scenario.TUNNEL_PLAIN), repetitions);

        assertThat(summary).contains("## Ratios over 3 of 4 repetitions")
                .contains("- repetition 4 left out: load average 3.50 before it (at least 2.00)")
                .contains("| c | portcullis/direct | squid/direct | portcullis/squid | portcullis/squid CPU |")
                // portcullis/squid rate: 1.5, 1.0, 2.0; CPU: 0.5, 0.8, 0.5.
                .contains("| 16 | 0.60 [0.50-0.70] | 0.40 [0.35-0.50] | 1.50 [1.00-2.00] | 0.50 [0.50-0.80] |");
    }

    @Test
    void withNoQuietRepetitionNoRatioCounts() {
        String summary = SUMMARY.render(List.of(Scenario.TUNNEL_PLAIN),
                List.of(repetition(2.0, 6000, 4000, 300.0, 600.0)));

        assertThat(summary).contains("Ratios over 0 of 1").contains("no ratio counts").doesNotContain("| 16 |");
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwo() {
        assertThat(RepeatSummary.spread(List.of(1.0, 4.0, 2.0, 3.0))).isEqualTo("2.50 [1.00-4.00]");
        assertThat(RepeatSummary.spread(List.of(1.25))).isEqualTo("1.25");
        assertThat(RepeatSummary.spread(List.of())).isEqualTo("-");
    }

    private static RepeatSummary.Repetition repetition(double load, long portcullis, long squid, Double portcullisCpu,
                                                       Double squidCpu) {
        return new RepeatSummary.Repetition(load, List.of(cell("direct", 10_000, null),
                cell("portcullis", portcullis, portcullisCpu), cell("squid", squid, squidCpu)));
    }

    private static CellResult cell(String target, long perSecond, Double cpuMicrosPerRequest) {
        long iterations = perSecond * 5;
        Double cpu = cpuMicrosPerRequest == null ? null : cpuMicrosPerRequest * iterations;
        return new CellResult(Scenario.TUNNEL_PLAIN, target, 16, 5.0, iterations, 13 * iterations,
                new Samples.Percentiles(250_000, 2_000_000, (int) iterations), cpu, Map.of(), Map.of(), "");
    }
}
