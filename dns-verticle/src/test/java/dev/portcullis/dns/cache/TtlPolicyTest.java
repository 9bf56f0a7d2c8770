package dev.portcullis.dns.cache;

import dev.portcullis.dns.lookup.LookupResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TtlPolicyTest {

    private final TtlPolicy policy = new TtlPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30));

    @ParameterizedTest(name = "{0}: a TTL of {1} s is kept {2} s")
    @CsvSource({
            "zero is raised to min-ttl,           0,     5",
            "below min-ttl is raised to it,       4,     5",
            "min-ttl itself is kept,              5,     5",
            "between the bounds is kept,          60,    60",
            "max-ttl itself is kept,              300,   300",
            "above max-ttl is lowered to it,      301,   300",
            "a day is lowered to max-ttl,         86400, 300"})
    void positiveAnswerLivesForItsTtlClamped(String sentence, long ttlSeconds, long keptSeconds) throws Exception {
        LookupResult found = new LookupResult.Found(List.of(InetAddress.getByName("192.0.2.1")),
                Duration.ofSeconds(ttlSeconds));

        assertThat(policy.lifetime(found)).isEqualTo(Duration.ofSeconds(keptSeconds));
    }

    @Test
    void negativeAnswerLivesForNegativeTtl() {
        LookupResult notFound = new LookupResult.NotFound(LookupResult.Reason.NXDOMAIN, "gone.test does not exist");

        assertThat(policy.lifetime(notFound)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void minTtlAboveMaxTtlIsRefused() {
        assertThatThrownBy(() -> new TtlPolicy(Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ZERO))
                .hasMessage("minTtl (10m) must not exceed maxTtl (5m)");
    }
}
