package dev.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BenchOptionsTest {

    private static final Path CA = Path.of("/peers/origin-ca.pem");

    @Test
    void defaultsMatchDesignSection9() {
        BenchOptions o = BenchOptions.parse(new String[] {"direct"}, CA);

        assertThat(o.concurrency()).containsExactly(1, 16, 64);
        assertThat(o.bulkConcurrency()).containsExactly(1, 8);
        assertThat(o.scenarios()).as("the timed four; idle-tunnels only when named")
                .containsExactly(Scenario.TUNNEL_PLAIN, Scenario.TUNNEL_TLS, Scenario.BULK, Scenario.BULK_TLS);
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.tunnels()).isEqualTo(10_000);
        assertThat(o.holdPort()).isEqualTo(9099);
        assertThat(o.origin()).isEqualTo(Origin.DEFAULT);
        assertThat(o.caFor(o.targets().get(0))).isEqualTo(CA);
    }

    @Test
    void targetsTrustAndPidsAreParsedInBothSpellings() {
        BenchOptions o = BenchOptions.parse(new String[] {"direct", "portcullis=127.0.0.1:3128",
                "squid-bump=127.0.0.1:3131", "--trust", "squid-bump=/tmp/bump-ca.pem", "--pid=portcullis=42",
                "--seconds=0.5", "--concurrency", "1,8", "--bulk-concurrency=2", "--scenarios", "tunnel-tls,bulk-tls",
                "--json", "r.json"},
                CA);

        assertThat(o.targets()).extracting(Target::name).containsExactly("direct", "portcullis", "squid-bump");
        assertThat(o.targets().get(1).address().getPort()).isEqualTo(3128);
        assertThat(o.caFor(o.targets().get(2))).isEqualTo(Path.of("/tmp/bump-ca.pem"));
        assertThat(o.caFor(o.targets().get(1))).isEqualTo(CA);
        assertThat(o.pids()).containsEntry("portcullis", 42L);
        assertThat(o.measure()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.concurrency()).containsExactly(1, 8);
        assertThat(o.bulkConcurrency()).containsExactly(2);
        assertThat(o.scenarios()).containsExactly(Scenario.TUNNEL_TLS, Scenario.BULK_TLS);
        assertThat(o.json()).isEqualTo(Path.of("r.json"));
    }

    @Test
    void reverseNamesBothReverseScenariosAndTheSiteHasTheReversePeersDefaults() {
        BenchOptions o = BenchOptions.parse(new String[] {"direct", "nginx-reverse=127.0.0.1:9445", "--scenarios",
                "tunnel-plain,reverse,reverse-new", "--keepalive-requests=50"}, CA);

        assertThat(o.scenarios()).containsExactly(Scenario.TUNNEL_PLAIN, Scenario.REVERSE_KEEPALIVE,
                Scenario.REVERSE_NEW);
        assertThat(o.reverse().host()).isEqualTo("reverse.bench.test");
        assertThat(o.reverse().path()).isEqualTo("/");
        assertThat(o.reverse().direct().getPort()).isEqualTo(9181);
        assertThat(o.reverse().requestsPerConnection()).isEqualTo(50);
        assertThat(Scenario.REVERSE_KEEPALIVE.keepAlive()).isTrue();
        assertThat(Scenario.REVERSE_NEW.keepAlive()).isFalse();
    }

    @Test
    void idleTunnelsTakeTheirCountAndTheHoldingPortWhichMayBeAnyFreeOne() {
        BenchOptions o = BenchOptions.parse(new String[] {"portcullis=127.0.0.1:3128", "--scenarios",
                "idle-tunnels", "--tunnels", "2500", "--hold-port=0"}, CA);

        assertThat(o.scenarios()).containsExactly(Scenario.IDLE_TUNNELS);
        assertThat(Scenario.IDLE_TUNNELS.idle()).isTrue();
        assertThat(o.tunnels()).isEqualTo(2500);
        assertThat(o.holdPort()).isZero();
    }

    @Test
    void helpNeedsNoTargets() {
        assertThat(BenchOptions.parse(new String[] {"--help"}, CA).help()).isTrue();
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of("no targets at all", List.of("--seconds", "1"), "no targets"),
                Arguments.of("a target without a port", List.of("squid=127.0.0.1"), "NAME=HOST:PORT"),
                Arguments.of("a target port out of range", List.of("squid=127.0.0.1:70000"), "1-65535"),
                Arguments.of("a target name with a space", List.of("my proxy=127.0.0.1:1"), "target name"),
                Arguments.of("two targets with one name", List.of("a=127.0.0.1:1", "a=127.0.0.1:2"), "must differ"),
                Arguments.of("trust for a target not given", List.of("direct", "--trust", "x=/ca.pem"),
                        "not a target"),
                Arguments.of("pid for a target not given", List.of("direct", "--pid", "x=1"), "not a target"),
                Arguments.of("pid that is not a number", List.of("a=127.0.0.1:1", "--pid", "a=me"), "whole number"),
                Arguments.of("zero concurrency", List.of("direct", "--concurrency", "1,0"), "between 1 and"),
                Arguments.of("concurrency beyond the cap", List.of("direct", "--concurrency", "5000"),
                        "between 1 and 1024"),
                Arguments.of("seconds too short", List.of("direct", "--seconds", "0.01"), "between 0.1"),
                Arguments.of("an unknown scenario", List.of("direct", "--scenarios", "bulk,fast"), "known: "),
                Arguments.of("an unknown option", List.of("direct", "--fast"), "unknown option '--fast'"),
                Arguments.of("an option without its value", List.of("direct", "--seconds"), "needs a value"),
                Arguments.of("a relative path", List.of("direct", "--small-path", "small"), "absolute path"),
                Arguments.of("trust without a name", List.of("direct", "--trust", "/ca.pem"), "NAME=VALUE"),
                Arguments.of("no tunnels", List.of("direct", "--tunnels", "0"), "between 1 and 200000"),
                Arguments.of("tunnels beyond the cap", List.of("direct", "--tunnels", "200001"), "between 1 and"),
                Arguments.of("a holding port out of range", List.of("direct", "--hold-port", "65536"),
                        "between 1 and 65535"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void badCommandLinesAreRefusedWithANamedMessage(String sentence, List<String> args, String message) {
        assertThatThrownBy(() -> BenchOptions.parse(args.toArray(String[]::new), CA))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }
}
