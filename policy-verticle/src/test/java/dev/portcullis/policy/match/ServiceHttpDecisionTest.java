package dev.portcullis.policy.match;

import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code decideHttp} with clients and headers: a service's entries under rule {@code service:<name>}, and a rule's
 * entries with {@code sources} and {@code headers} (fixture {@code services.yaml}).
 */
class ServiceHttpDecisionTest {

    private static final CompiledPolicy POLICY = Fixtures.compiled("services.yaml");
    private static final String OPS_CLIENT = "203.0.113.7";

    static Stream<Arguments> requests() {
        return Stream.of(
                // sentence, rule, method, path, client, headers, verdict, reason fragment
                Arguments.of("a service request matching method, path, source and header is allowed", "service:shop",
                        "POST", "/api/orders", OPS_CLIENT, Map.of("x-team", List.of("dev")), Verdict.ALLOW, "line 28"),
                Arguments.of("one of several values of a header is enough", "service:shop", "GET", "/api/a",
                        OPS_CLIENT, Map.of("x-team", List.of("sales", "ops")), Verdict.ALLOW, "line 28"),
                Arguments.of("header values are case-sensitive", "service:shop", "GET", "/api/a", OPS_CLIENT,
                        Map.of("x-team", List.of("Ops")), Verdict.DENY, "no http entry of service 'shop'"),
                Arguments.of("header names are not: a sender's upper case is read as lower", "service:shop", "GET",
                        "/api/a", OPS_CLIENT, Map.of("X-Team", List.of("ops")), Verdict.ALLOW, "line 28"),
                Arguments.of("a missing header does not match", "service:shop", "GET", "/api/a", OPS_CLIENT, Map.of(),
                        Verdict.DENY, "no http entry"),
                Arguments.of("a client outside the sources does not match", "service:shop", "GET", "/api/a",
                        "198.51.100.1", Map.of("x-team", List.of("ops")), Verdict.DENY, "no http entry"),
                Arguments.of("an entry with sources never matches a request without a client", "service:shop", "GET",
                        "/api/a", null, Map.of("x-team", List.of("ops")), Verdict.DENY, "no http entry"),
                Arguments.of("an IPv4-mapped client is its IPv4 address", "service:shop", "GET", "/api/a",
                        "::ffff:203.0.113.7", Map.of("x-team", List.of("ops")), Verdict.ALLOW, "line 28"),
                Arguments.of("a method not listed does not match", "service:shop", "DELETE", "/api/a", OPS_CLIENT,
                        Map.of("x-team", List.of("ops")), Verdict.DENY, "no http entry"),
                Arguments.of("an explicit deny entry of a service", "service:shop", "GET", "/admin/users", OPS_CLIENT,
                        Map.of(), Verdict.DENY, "line 29"),
                Arguments.of("'*' takes any value of a header that is present", "service:shop", "GET", "/open/x",
                        null, Map.of("x-canary", List.of("")), Verdict.ALLOW, "line 30"),
                Arguments.of("'*' still needs the header", "service:shop", "GET", "/open/x", null, Map.of(),
                        Verdict.DENY, "no http entry"),
                Arguments.of("a service without http entries allows every request", "service:vault", "DELETE", "/x",
                        null, Map.of(), Verdict.ALLOW, "service has no http entries"),
                Arguments.of("a service not in the policy denies like an unknown rule", "service:gone", "GET", "/",
                        OPS_CLIENT, Map.of(), Verdict.DENY, "rule 'service:gone' is not in policy"),
                Arguments.of("a service's name alone is no rule", "shop", "GET", "/api/a", OPS_CLIENT,
                        Map.of("x-team", List.of("ops")), Verdict.DENY, "not in policy"),
                Arguments.of("a rule's entry needs every header it names", "partner-api", "GET", "/v1", null,
                        Map.of("x-team", List.of("ops")), Verdict.DENY, "no http entry of rule 'partner-api'"),
                Arguments.of("a rule's entry with both headers matches", "partner-api", "GET", "/v1", null,
                        Map.of("x-team", List.of("ops"), "x-trace", List.of("abc")), Verdict.ALLOW, "line 12"),
                Arguments.of("a rule's entry with one value written as a string", "partner-api", "PUT",
                        "/public/a", null, Map.of("x-team", List.of("ops")), Verdict.ALLOW, "line 13"),
                Arguments.of("a rule's entry with sources matches its clients", "partner-api", "PUT", "/x",
                        "192.0.2.9", Map.of(), Verdict.ALLOW, "line 14"),
                Arguments.of("a client that is no address matches no sources", "partner-api", "PUT", "/x",
                        "not-an-ip", Map.of(), Verdict.DENY, "no http entry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decidesEachRequestByItsEntries(String sentence, String rule, String method, String path, String client,
                                        Map<String, List<String>> headers, Verdict verdict, String reason) {
        HttpDecision decision = POLICY.decideHttp(new HttpDecideRequest("shop.example.com", method, path, rule,
                client, headers));

        assertThat(decision.verdict()).isEqualTo(verdict);
        assertThat(decision.reason()).contains(reason);
        assertThat(decision.rule()).isEqualTo(rule);
        assertThat(decision.policyVersion()).isEqualTo(POLICY.version());
    }
}
