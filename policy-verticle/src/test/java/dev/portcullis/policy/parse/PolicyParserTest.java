package dev.portcullis.policy.parse;

import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.Fixtures;
import dev.portcullis.policy.model.Action;
import dev.portcullis.policy.model.EchAction;
import dev.portcullis.policy.model.HostPattern;
import dev.portcullis.policy.model.HttpRule;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.model.PortRange;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PolicyParserTest {

    @Test
    void readsEveryKeyOfTheSchema() {
        Policy policy = Fixtures.policy("complete.yaml");

        assertThat(policy.defaultAction()).isEqualTo(Action.ALLOW_SPLICE);
        assertThat(policy.decisionCacheTtl()).isEqualTo(Duration.ofMillis(1500));
        assertThat(policy.noSni()).isEqualTo(Verdict.ALLOW);
        assertThat(policy.ech()).isEqualTo(EchAction.DENY);
        assertThat(policy.guardDeny()).extracting(Cidr::toString)
                .containsExactly("127.0.0.0/8", "fe80::/10", "10.0.0.0/8");
        assertThat(policy.rules()).extracting(Rule::name)
                .containsExactly("source-control", "partner-api", "everything-else-logged");
    }

    @Test
    void readsHostsPortsAndSourcesOfARule() {
        Rule rule = Fixtures.policy("complete.yaml").rules().get(0);

        assertThat(rule.line()).isEqualTo(10);
        assertThat(rule.hosts()).containsExactly(
                new HostPattern.Exact("github.com", "github.com"),
                new HostPattern.Wildcard("*.github.com", "github.com"),
                new HostPattern.Exact("Bücher.Example.", "xn--bcher-kva.example"));
        assertThat(rule.ports()).containsExactly(PortRange.of(443), PortRange.of(22), new PortRange(8000, 8100));
        assertThat(rule.sources()).extracting(Cidr::toString)
                .containsExactly("10.1.0.0/16", "2001:db8::/32", "192.0.2.9/32");
        assertThat(rule.action()).isEqualTo(Action.ALLOW_SPLICE);
    }

    @Test
    void readsTheActionGuardExemptionsAndHttpRulesOfADecryptRule() {
        Rule rule = Fixtures.policy("complete.yaml").rules().get(1);

        assertThat(rule.hosts().get(0)).isInstanceOf(HostPattern.Regex.class);
        assertThat(rule.action()).isEqualTo(new Action(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.DENY));
        assertThat(rule.destinations()).extracting(Cidr::toString).containsExactly("127.0.0.1/32", "::1/128");
        assertThat(rule.http()).hasSize(2);
        HttpRule first = rule.http().get(0);
        assertThat(first.methods()).containsExactly("GET", "HEAD");
        assertThat(first.matches("GET", "/v1/orders/7")).isTrue();
        assertThat(first.matches("GET", "/status")).isTrue();
        assertThat(first.matches("POST", "/v1/orders")).isFalse();
        assertThat(first.matches("GET", "/v2/orders")).isFalse();
        assertThat(rule.http().get(1).matches("POST", "/anything")).isTrue();
        assertThat(rule.http().get(1).verdict()).isEqualTo(Verdict.DENY);
    }

    @Test
    void fillsTheDefaultsWhenOptionalKeysAreAbsent() {
        Policy policy = Fixtures.policy("minimal.yaml");

        assertThat(policy.defaultAction()).isEqualTo(Action.DENY);
        assertThat(policy.decisionCacheTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.noSni()).isEqualTo(Verdict.DENY);
        assertThat(policy.ech()).as("browsers send GREASE ECH: decide on the outer name")
                .isEqualTo(EchAction.OUTER_SNI);
        assertThat(policy.rules()).isEmpty();
        assertThat(policy.guardDeny()).extracting(Cidr::toString).containsExactly(
                "0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16",
                "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
                "::/128", "::1/128", "64:ff9b:1::/48", "fc00::/7", "fe80::/10", "ff00::/8");
    }

    @Test
    void anEmptyGuardListSwitchesTheGuardOff() throws PolicyException {
        Policy policy = PolicyParser.parse("p.yaml", utf8("""
                version: 1
                default: { action: deny }
                guard: { deny-cidrs: [] }
                rules: []
                """));

        assertThat(policy.guardDeny()).isEmpty();
    }

    @Test
    void aBareNumberOfMillisecondsIsADuration() throws PolicyException {
        Policy policy = PolicyParser.parse("p.yaml", utf8("""
                version: 1
                default: { action: deny }
                decision-cache-ttl: 250
                rules: []
                """));

        assertThat(policy.decisionCacheTtl()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theVersionDependsOnTheBytesAlone() throws PolicyException {
        byte[] content = Fixtures.bytes("matching.yaml");
        byte[] commented = (new String(content, StandardCharsets.UTF_8) + "# one more comment\n")
                .getBytes(StandardCharsets.UTF_8);

        String version = PolicyParser.parse("a.yaml", content).version();

        assertThat(PolicyParser.parse("b.yaml", content.clone()).version()).isEqualTo(version);
        assertThat(PolicyParser.parse("a.yaml", commented).version()).isNotEqualTo(version);
        assertThat(version).matches("sha256:[0-9a-f]{12}");
    }

    @Test
    void aByteOrderMarkIsIgnored() throws PolicyException {
        byte[] content = utf8("\uFEFFversion: 1\ndefault: { action: deny }\nrules: []\n");

        assertThat(PolicyParser.parse("bom.yaml", content).rules()).isEqualTo(List.of());
    }

    @Test
    void manyRulesComeInFileOrderAndADuplicateNameFarDownIsRefusedAtItsLine() throws PolicyException {
        // Read one by one as the composer hands them over (RulesComposer), none kept back or reordered.
        int count = 5_000;
        assertThat(PolicyParser.parse("many.yaml", utf8(rules(count, ""))).rules())
                .extracting(Rule::name).containsExactlyElementsOf(names(count));

        String duplicate = "  - { name: r-17, hosts: [again.test], action: allow }\n";
        PolicyException refused = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("many.yaml", utf8(rules(count, duplicate))));
        assertThat(refused).hasMessage("many.yaml:" + (count + 4) + ": duplicate rule name 'r-17' (first at line 21)");
    }

    /** A policy of {@code count} rules r-0, r-1, ..., one per line from line 4, then {@code tail}. */
    private static String rules(int count, String tail) {
        StringBuilder text = new StringBuilder("version: 1\ndefault: { action: deny }\nrules:\n");
        names(count).forEach(name -> text.append("  - { name: ").append(name).append(", hosts: [")
                .append(name).append(".test], action: allow }\n"));
        return text.append(tail).toString();
    }

    private static List<String> names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "r-" + i).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
