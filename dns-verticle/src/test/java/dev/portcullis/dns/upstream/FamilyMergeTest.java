package dev.portcullis.dns.upstream;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.dns.lookup.LookupResult;
import dev.portcullis.dns.lookup.LookupResult.Found;
import dev.portcullis.dns.lookup.LookupResult.NotFound;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FamilyMergeTest {

    private static final Future<LookupResult> V4 = found("192.0.2.1", 60);
    private static final Future<LookupResult> V6 = found("2001:db8::1", 30);
    private static final Future<LookupResult> NXDOMAIN =
            Future.succeededFuture(new NotFound(LookupResult.Reason.NXDOMAIN, "api.test does not exist"));
    private static final Future<LookupResult> NO_ADDRESS =
            Future.succeededFuture(new NotFound(LookupResult.Reason.NO_ADDRESS, "no record of this type"));
    private static final Future<LookupResult> TIMEOUT =
            Future.failedFuture(new GatewayException(ErrorCode.TIMEOUT, "no answer"));
    private static final Future<LookupResult> SERVFAIL =
            Future.failedFuture(new GatewayException(ErrorCode.SERVFAIL, "answered SERVFAIL"));

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of("both families: IPv4 first, smallest TTL", V4, V6,
                        "found [192.0.2.1, 2001:db8:0:0:0:0:0:1] ttl 30s"),
                Arguments.of("only IPv4 exists: IPv4 with its TTL", V4, NO_ADDRESS, "found [192.0.2.1] ttl 60s"),
                Arguments.of("only IPv6 exists: IPv6 with its TTL", NO_ADDRESS, V6,
                        "found [2001:db8:0:0:0:0:0:1] ttl 30s"),
                Arguments.of("IPv6 timed out: IPv4 with TTL zero, asked again soon", V4, TIMEOUT,
                        "found [192.0.2.1] ttl 0s"),
                Arguments.of("IPv4 failed: IPv6 with TTL zero", SERVFAIL, V6, "found [2001:db8:0:0:0:0:0:1] ttl 0s"),
                Arguments.of("no address and a timeout: the timeout", NO_ADDRESS, TIMEOUT, "failed TIMEOUT"),
                Arguments.of("timeout and servfail: servfail says more", TIMEOUT, SERVFAIL, "failed SERVFAIL"),
                Arguments.of("servfail and timeout: servfail says more", SERVFAIL, TIMEOUT, "failed SERVFAIL"),
                Arguments.of("two timeouts: timeout", TIMEOUT, TIMEOUT, "failed TIMEOUT"),
                Arguments.of("nxdomain from either: nxdomain", NO_ADDRESS, NXDOMAIN, "NXDOMAIN api.test does not exist"),
                Arguments.of("nxdomain for both: nxdomain", NXDOMAIN, NXDOMAIN, "NXDOMAIN api.test does not exist"),
                Arguments.of("no record of either type: says both types", NO_ADDRESS, NO_ADDRESS,
                        "NO_ADDRESS api.test exists but has no A or AAAA record"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void outcomesOfBothFamiliesMergeIntoOneAnswer(String sentence, Future<LookupResult> ipv4,
                                                  Future<LookupResult> ipv6, String expected) {
        assertThat(describe(FamilyMerge.merge("api.test", ipv4, ipv6))).isEqualTo(expected);
    }

    private static String describe(AsyncResult<LookupResult> merged) {
        if (merged.failed()) {
            return "failed " + ((GatewayException) merged.cause()).code();
        }
        if (merged.result() instanceof Found found) {
            return "found " + found.addressTexts() + " ttl " + found.ttl().toSeconds() + "s";
        }
        NotFound notFound = (NotFound) merged.result();
        return notFound.reason() + " " + notFound.message();
    }

    private static Future<LookupResult> found(String ip, long ttlSeconds) {
        try {
            return Future.succeededFuture(new Found(List.of(InetAddress.getByName(ip)), Duration.ofSeconds(ttlSeconds)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
