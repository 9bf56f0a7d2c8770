package dev.portcullis.policy.match;

import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDecisionTest {

    private static final CompiledPolicy POLICY = compile("""
            version: 1
            default: { action: deny }
            rules:
              - name: partner-api
                hosts: [api.partner.test]
                action: allow
                inspection: decrypt
                http:
                  - { methods: [GET], paths: ["/v1/**"], action: allow }
                  - { methods: [POST], paths: ["/v1/orders"], action: allow }
                  - { paths: ["/admin/**"], action: deny }
              - name: open-api
                hosts: [open.test]
                action: allow
                inspection: decrypt
            """);

    private static CompiledPolicy compile(String yaml) {
        try {
            return CompiledPolicy.compile(PolicyParser.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (PolicyException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("GET under /v1 is allowed", "partner-api", "GET", "/v1/items/7", Verdict.ALLOW, "line 9"),
                Arguments.of("POST to the one allowed path", "partner-api", "POST", "/v1/orders", Verdict.ALLOW,
                        "line 10"),
                Arguments.of("POST elsewhere under /v1 matches no entry", "partner-api", "POST", "/v1/items",
                        Verdict.DENY, "no http entry"),
                Arguments.of("methods are case-sensitive", "partner-api", "get", "/v1/items", Verdict.DENY,
                        "no http entry"),
                Arguments.of("an explicit deny entry", "partner-api", "GET", "/admin/users", Verdict.DENY, "line 11"),
                Arguments.of("a rule without http entries allows every request", "open-api", "DELETE", "/anything",
                        Verdict.ALLOW, "no http entries"),
                Arguments.of("a rule no longer in the policy denies", "gone", "GET", "/", Verdict.DENY,
                        "not in policy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void decidesEachRequestByItsRulesHttpEntries(String sentence, String rule, String method, String path,
                                                  Verdict verdict, String reason) {
        HttpDecision decision = POLICY.decideHttp(new HttpDecideRequest("api.partner.test", method, path, rule));
        assertThat(decision.verdict()).isEqualTo(verdict);
        assertThat(decision.reason()).contains(reason);
        assertThat(decision.policyVersion()).isEqualTo(POLICY.version());
    }
}
