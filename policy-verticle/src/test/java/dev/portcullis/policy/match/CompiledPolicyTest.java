package dev.portcullis.policy.match;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.Fixtures;
import dev.portcullis.policy.parse.PolicyVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static dev.portcullis.api.policy.DecisionReason.DEFAULT;
import static dev.portcullis.api.policy.DecisionReason.IP_LITERAL;
import static dev.portcullis.api.policy.DecisionReason.RULE;
import static dev.portcullis.api.policy.Verdict.ALLOW;
import static dev.portcullis.api.policy.Verdict.DENY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CompiledPolicyTest {

    private static final String MATCHING = "matching.yaml";
    private static final String DEFAULT_ALLOW = "default-allow.yaml";
    private static final String OFFICE = "10.1.2.3";
    private static final String ELSEWHERE = "192.0.2.50";
    private static final Map<String, CompiledPolicy> COMPILED = new ConcurrentHashMap<>();

    static Stream<Arguments> decisions() {
        return Stream.of(
                // sentence, fixture, host, port, client, rule, verdict, reason
                arguments("an exact name matches", MATCHING, "github.com", 443, ELSEWHERE,
                        "source-control", ALLOW, RULE),
                arguments("a name matches whatever its case and trailing dot once normalised", MATCHING,
                        "GitHub.COM.", 22, ELSEWHERE, "source-control", ALLOW, RULE),
                arguments("a wildcard matches one label below", MATCHING, "api.github.com", 443, ELSEWHERE,
                        "source-control", ALLOW, RULE),
                arguments("a wildcard matches several labels below", MATCHING, "a.b.github.com", 443, ELSEWHERE,
                        "source-control", ALLOW, RULE),
                arguments("a wildcard does not match its apex", MATCHING, "cache.example", 8000, ELSEWHERE,
                        "default", DENY, DEFAULT),
                arguments("a wildcard does not match a name that merely ends the same", MATCHING, "evilgithub.com",
                        443, ELSEWHERE, "default", DENY, DEFAULT),
                arguments("the first matching rule wins over a later wildcard", MATCHING, "gist.github.com", 443,
                        ELSEWHERE, "blocked-gist", DENY, RULE),
                arguments("a port outside the list falls through to the default", MATCHING, "github.com", 80,
                        ELSEWHERE, "default", DENY, DEFAULT),
                arguments("a port range includes its lower bound", MATCHING, "x.cache.example", 8000, ELSEWHERE,
                        "build-cache", ALLOW, RULE),
                arguments("a port range includes its upper bound", MATCHING, "x.cache.example", 8100, ELSEWHERE,
                        "build-cache", ALLOW, RULE),
                arguments("a port just past the range falls through", MATCHING, "x.cache.example", 8101,
                        ELSEWHERE, "default", DENY, DEFAULT),
                arguments("a port just below the range falls through", MATCHING, "x.cache.example", 7999,
                        ELSEWHERE, "default", DENY, DEFAULT),
                arguments("a rule without ports matches any port", MATCHING, "api7.partner.example", 1, ELSEWHERE,
                        "partner-api", ALLOW, RULE),
                arguments("a regex matches the whole name", MATCHING, "api42.partner.example", 443, ELSEWHERE,
                        "partner-api", ALLOW, RULE),
                arguments("a regex does not match a longer name that contains a match", MATCHING,
                        "api42.partner.example.evil.test", 443, ELSEWHERE, "default", DENY, DEFAULT),
                arguments("a regex does not match a name with an extra prefix", MATCHING, "xapi42.partner.example",
                        443, ELSEWHERE, "default", DENY, DEFAULT),
                arguments("an IPv4 client inside a source range matches", MATCHING, "intranet.example", 443, OFFICE,
                        "office-only", ALLOW, RULE),
                arguments("an IPv4 client outside every source range falls through", MATCHING, "intranet.example",
                        443, "10.2.0.1", "default", DENY, DEFAULT),
                arguments("an IPv6 client inside a source range matches", MATCHING, "intranet.example", 443,
                        "2001:db8:1::5", "office-only", ALLOW, RULE),
                arguments("an IPv6 client outside every source range falls through", MATCHING, "intranet.example",
                        443, "2001:db8:2::1", "default", DENY, DEFAULT),
                arguments("an IPv4-mapped IPv6 client is matched as IPv4", MATCHING, "intranet.example", 443,
                        "::ffff:10.1.2.3", "office-only", ALLOW, RULE),
                arguments("a bracketed IPv6 client is understood", MATCHING, "intranet.example", 443,
                        "[2001:db8:1::5]", "office-only", ALLOW, RULE),
                arguments("an IPv4 literal inside a CIDR rule matches", MATCHING, "203.0.113.7", 443, ELSEWHERE,
                        "lab-range", ALLOW, RULE),
                arguments("an IPv6 literal inside a CIDR rule matches", MATCHING, "[2001:db8:ff::1]", 443, ELSEWHERE,
                        "lab-range", ALLOW, RULE),
                arguments("a single address in hosts matches that address", MATCHING, "198.51.100.7", 443,
                        ELSEWHERE, "lab-range", ALLOW, RULE),
                arguments("a single address in hosts does not match its neighbour", MATCHING, "198.51.100.8", 443,
                        ELSEWHERE, "default", DENY, IP_LITERAL),
                arguments("an IP literal never matches a regex rule", MATCHING, "192.0.2.1", 443, ELSEWHERE,
                        "default", DENY, IP_LITERAL),
                arguments("a name never matches a CIDR rule even when it starts like an address", MATCHING,
                        "203.0.113.example", 443, ELSEWHERE, "default", DENY, DEFAULT),
                arguments("the any-host rule matches any name on its port", MATCHING, "unknown.example", 8443,
                        ELSEWHERE, "everything-on-8443", ALLOW, RULE),
                arguments("the any-host rule matches IP literals too", MATCHING, "192.0.2.1", 8443, ELSEWHERE,
                        "everything-on-8443", ALLOW, RULE),
                arguments("an earlier rule beats the any-host rule on its port", MATCHING, "gist.github.com", 8443,
                        ELSEWHERE, "blocked-gist", DENY, RULE),
                arguments("an unknown name gets the default deny", MATCHING, "unknown.example", 443, ELSEWHERE,
                        "default", DENY, DEFAULT),
                arguments("an unknown name gets the default allow", DEFAULT_ALLOW, "unknown.example", 443,
                        ELSEWHERE, "default", ALLOW, DEFAULT),
                arguments("an unknown IP literal gets the default allow with reason ip-literal", DEFAULT_ALLOW,
                        "192.0.2.1", 443, ELSEWHERE, "default", ALLOW, IP_LITERAL),
                arguments("a deny rule still denies under a default allow", DEFAULT_ALLOW, "x.tracker.example", 443,
                        ELSEWHERE, "no-tracking", DENY, RULE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(String sentence, String fixture, String host, int port, String client, String rule,
                 Verdict verdict, DecisionReason reason) {
        Decision decision = decide(fixture, host, port, client);

        assertThat(decision.rule()).isEqualTo(rule);
        assertThat(decision.verdict()).isEqualTo(verdict);
        assertThat(decision.reason()).isEqualTo(reason);
    }

    @Test
    void everyDecisionCarriesThePolicyWideFields() {
        Decision decision = decide(MATCHING, "github.com", 443, ELSEWHERE);

        assertThat(decision.policyVersion()).isEqualTo(PolicyVersion.of(Fixtures.bytes(MATCHING)));
        assertThat(decision.cacheTtlMs()).isEqualTo(30_000);
        assertThat(decision.guardDeny()).containsExactly("127.0.0.0/8", "10.0.0.0/8", "::1/128");
        assertThat(decide(MATCHING, "unknown.example", 443, ELSEWHERE).guardDeny())
                .isEqualTo(decision.guardDeny());
    }

    @Test
    void aMatchingRuleCarriesItsGuardExemptions() {
        assertThat(decide(MATCHING, "203.0.113.7", 443, ELSEWHERE).guardAllow()).containsExactly("127.0.0.1/32");
        assertThat(decide(MATCHING, "github.com", 443, ELSEWHERE).guardAllow()).isEmpty();
        assertThat(decide(MATCHING, "unknown.example", 443, ELSEWHERE).guardAllow()).isEmpty();
    }

    @Test
    void aDecryptRuleCarriesItsInspectionAndNonTlsAction() {
        Decision decision = decide(MATCHING, "api1.partner.example", 443, ELSEWHERE);

        assertThat(decision.inspection()).isEqualTo(Inspection.DECRYPT);
        assertThat(decision.nonTls()).isEqualTo(NonTlsAction.SPLICE);
    }

    @Test
    void anAllowRuleSplicesAndDeniesNonTlsUnlessToldOtherwise() {
        Decision decision = decide(MATCHING, "github.com", 443, ELSEWHERE);

        assertThat(decision.inspection()).isEqualTo(Inspection.SPLICE);
        assertThat(decision.nonTls()).isEqualTo(NonTlsAction.DENY);
    }

    @Test
    void aDenyDecisionSplicesNothingAndDeniesNonTls() {
        Decision decision = decide(MATCHING, "gist.github.com", 443, ELSEWHERE);

        assertThat(decision.inspection()).isEqualTo(Inspection.SPLICE);
        assertThat(decision.nonTls()).isEqualTo(NonTlsAction.DENY);
    }

    @Test
    void theDefaultAllowCarriesItsInspection() {
        Decision decision = decide(DEFAULT_ALLOW, "unknown.example", 443, ELSEWHERE);

        assertThat(decision.inspection()).isEqualTo(Inspection.DECRYPT);
        assertThat(decision.nonTls()).isEqualTo(NonTlsAction.SPLICE);
        assertThat(decision.cacheTtlMs()).isEqualTo(5_000);
    }

    @Test
    void aClientThatIsNotAnAddressIsRefused() {
        CompiledPolicy policy = compiled(MATCHING);
        DecideRequest request = new DecideRequest("github.com", 443, "client.example", "explicit", Mode.EXPLICIT,
                Protocol.TLS, null);

        assertThatThrownBy(() -> policy.decide(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("client must be an IP address, was 'client.example'");
    }

    static Stream<Arguments> policyWideSettings() {
        String settingsAllow = "sni-settings-allow.yaml";
        String echDeny = "ech-deny.yaml";
        return Stream.of(
                // sentence, fixture, host, sni, ech, rule, verdict, reason
                arguments("transparent TLS without SNI meets no-sni: deny (the default) before any rule", MATCHING,
                        "203.0.113.7", null, false, "no-sni", DENY, DecisionReason.NO_SNI),
                arguments("with no-sni: allow the rules decide on the address the client aimed at", settingsAllow,
                        "192.0.2.9", null, false, "aimed-at", ALLOW, RULE),
                arguments("an ECH ClientHello is decided on its outer SNI by default, as GREASE ECH from every"
                        + " Chromium must be", MATCHING, "github.com", "github.com", true, "source-control", ALLOW,
                        RULE),
                arguments("by default an ECH ClientHello whose outer name a rule denies is denied by that rule",
                        MATCHING, "gist.github.com", "gist.github.com", true, "blocked-gist", DENY, RULE),
                arguments("an ECH ClientHello whose outer SNI is not the CONNECT host is refused, not let through",
                        MATCHING, "github.com", "other.example", true, "ech", DENY, DecisionReason.ECH),
                arguments("an ECH ClientHello naming another host passes a rule with sni-check: false",
                        settingsAllow, "vpn.example", "elsewhere.example", true, "vpn", ALLOW, RULE),
                arguments("with ech: outer-sni written out the rules decide on the outer SNI", settingsAllow,
                        "front.example", "front.example", true, "public-front", ALLOW, RULE),
                arguments("with ech: deny an ECH ClientHello is refused before any rule, even for an allowed name",
                        echDeny, "front.example", "front.example", true, "ech", DENY, DecisionReason.ECH),
                arguments("with ech: deny a ClientHello without ECH is still decided by the rules", echDeny,
                        "front.example", "front.example", false, "public-front", ALLOW, RULE),
                arguments("a ClientHello with SNI and without ECH is decided by the rules", MATCHING,
                        "github.com", "github.com", false, "source-control", ALLOW, RULE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policyWideSettings")
    void policyWideSettingsApplyToTransparentTls(String sentence, String fixture, String host, String sni,
                                                 boolean ech, String rule, Verdict verdict, DecisionReason reason) {
        Decision decision = compiled(fixture).decide(new DecideRequest(host, 443, ELSEWHERE, "transparent",
                Mode.TRANSPARENT, Protocol.TLS, sni, ech));

        assertThat(decision.rule()).isEqualTo(rule);
        assertThat(decision.verdict()).isEqualTo(verdict);
        assertThat(decision.reason()).isEqualTo(reason);
    }

    @Test
    void explicitTunnelsAreNeverDecidedByNoSni() {
        assertThat(decide(MATCHING, "github.com", 443, ELSEWHERE).reason()).isEqualTo(RULE);
    }

    @Test
    void aRuleMayOptOutOfTheSniCheck() {
        assertThat(decide("sni-settings-allow.yaml", "vpn.example", 443, ELSEWHERE).sniCheck()).isFalse();
        assertThat(decide("sni-settings-allow.yaml", "front.example", 443, ELSEWHERE).sniCheck()).isTrue();
    }

    @Test
    void reportsTheRuleCountAndVersion() {
        CompiledPolicy policy = compiled(MATCHING);

        assertThat(policy.ruleCount()).isEqualTo(8);
        assertThat(policy.version()).startsWith("sha256:").hasSize("sha256:".length() + 12);
    }

    private static Decision decide(String fixture, String host, int port, String client) {
        DecideRequest request = new DecideRequest(HostName.parse(host).value(), port, client, "explicit",
                Mode.EXPLICIT, Protocol.TLS, null);
        return compiled(fixture).decide(request);
    }

    private static CompiledPolicy compiled(String fixture) {
        return COMPILED.computeIfAbsent(fixture, Fixtures::compiled);
    }
}
