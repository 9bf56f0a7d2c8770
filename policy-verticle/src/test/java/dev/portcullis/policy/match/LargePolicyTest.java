package dev.portcullis.policy.match;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.policy.model.Action;
import dev.portcullis.policy.model.HostPattern;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.model.PortRange;
import dev.portcullis.policy.model.Rule;
import dev.portcullis.policy.net.Cidr;
import dev.portcullis.policy.net.IpLiteral;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 rules built in memory: the compiled matcher must agree with trying the rules one by one. Correctness
 * only; speed is measured by {@code bench/}, not asserted here.
 */
class LargePolicyTest {

    private static final int RULES = 100_000;
    private static final int ZONES = 500;
    private static final String[] CLIENTS = {"10.3.0.1", "10.200.5.5", "192.0.2.1", "2001:db8::7", "::ffff:10.3.9.9"};
    private static final int[] PORTS = {22, 80, 443, 8443, 9999};

    private static List<Rule> rules;
    private static CompiledPolicy compiled;

    @BeforeAll
    static void compile() {
        rules = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            rules.add(rule(i));
        }
        compiled = CompiledPolicy.compile(Policy.of("sha256:000000000000", Action.DENY, rules));
    }

    /**
     * A mix in which earlier broad rules shadow later narrow ones, so first-match order really matters: mostly
     * exact names, wildcards below single names and below whole zones, port- and source-restricted rules, a few
     * regexes, CIDRs and one any-host rule.
     */
    private static Rule rule(int i) {
        String zone = "z" + (i / 10 % ZONES) + ".example";
        Action action = (i / 7) % 2 == 0 ? Action.ALLOW_SPLICE : Action.DENY;
        List<PortRange> ports = List.of();
        List<Cidr> sources = List.of();
        String host;
        if (i == 99_990) {
            host = "*";
            ports = List.of(PortRange.of(9999));
        } else if (i % 10_000 == 5) {
            host = "re:r" + i + "-[a-z]+\\." + zone.replace(".", "\\.");
        } else if (i % 1_000 == 3) {
            host = "198.51." + (i / 1_000) + ".0/24";
        } else {
            switch (i % 10) {
                case 6, 7 -> host = "*.w" + i + "." + zone;
                case 8 -> {
                    host = "h" + i + "." + zone;
                    ports = List.of(PortRange.of(443));
                    sources = List.of(Cidr.parse("10." + (i % 256) + ".0.0/16"));
                }
                case 9 -> {
                    host = "*." + zone;
                    ports = List.of(new PortRange(8000, 8443));
                }
                default -> host = "h" + i + "." + zone;
            }
        }
        return new Rule("rule-" + i, List.of(HostPattern.parse(host)), ports, sources, action);
    }

    @Test
    void agreesWithTryingEveryRuleInOrder() {
        Random random = new Random(42);
        for (int query = 0; query < 300; query++) {
            int target = random.nextInt(RULES);
            String host = hostMatching(rules.get(target).hosts().get(0), random);
            int port = PORTS[random.nextInt(PORTS.length)];
            String client = CLIENTS[random.nextInt(CLIENTS.length)];

            Decision decision = compiled.decide(request(host, port, client));

            assertThat(decision.rule()).as("%s:%d from %s", host, port, client)
                    .isEqualTo(firstMatchOneByOne(host, port, client));
        }
    }

    @Test
    void anExactNameMatchesItsOwnRule() {
        assertThat(compiled.decide(request("h12.z1.example", 443, "192.0.2.1")).rule()).isEqualTo("rule-12");
    }

    @Test
    void anEarlierZoneWildcardShadowsALaterExactNameOnItsPorts() {
        // rule-9 is *.z0.example on 8000-8443; rule-5000 is the exact h5000.z0.example on any port.
        assertThat(compiled.decide(request("h5000.z0.example", 8443, "192.0.2.1")).rule()).isEqualTo("rule-9");
        assertThat(compiled.decide(request("h5000.z0.example", 443, "192.0.2.1")).rule()).isEqualTo("rule-5000");
    }

    @Test
    void aSourceRestrictedRuleMatchesOnlyItsClients() {
        // rule-18 is h18.z1.example on 443 from 10.18.0.0/16; rule-19, *.z1.example, covers only 8000-8443.
        assertThat(compiled.decide(request("h18.z1.example", 443, "10.18.4.4")).rule()).isEqualTo("rule-18");
        assertThat(compiled.decide(request("h18.z1.example", 443, "10.19.4.4")).rule()).isEqualTo("default");
    }

    @Test
    void theLateAnyHostRuleCatchesWhatNothingElseDoes() {
        Decision decision = compiled.decide(request("nowhere.test", 9999, "192.0.2.1"));

        assertThat(decision.rule()).isEqualTo("rule-99990");
        assertThat(compiled.decide(request("nowhere.test", 443, "192.0.2.1")).reason())
                .isEqualTo(DecisionReason.DEFAULT);
    }

    @Test
    void anAddressRangeMatchesIpLiteralsInIt() {
        assertThat(compiled.decide(request("198.51.7.9", 443, "192.0.2.1")).rule()).isEqualTo("rule-7003");
        assertThat(compiled.decide(request("198.51.200.9", 443, "192.0.2.1")).reason())
                .isEqualTo(DecisionReason.IP_LITERAL);
    }

    private static String hostMatching(HostPattern pattern, Random random) {
        if (pattern instanceof HostPattern.Exact exact) {
            return exact.name();
        }
        if (pattern instanceof HostPattern.Wildcard wildcard) {
            return (random.nextBoolean() ? "a." : "b.c.") + wildcard.suffix();
        }
        if (pattern instanceof HostPattern.Regex regex) {
            return regex.text().substring(3, regex.text().indexOf('-')) + "-abc."
                    + regex.text().substring(regex.text().indexOf("\\.") + 2).replace("\\.", ".");
        }
        if (pattern instanceof HostPattern.Address address) {
            String network = address.cidr().toString();
            return network.substring(0, network.lastIndexOf('.')) + "." + (1 + random.nextInt(250));
        }
        return "any" + random.nextInt(1000) + ".test";
    }

    private static String firstMatchOneByOne(String host, int port, String client) {
        byte[] ip = IpLiteral.parse(host);
        byte[] clientBytes = IpLiteral.parse(client);
        for (Rule rule : rules) {
            if (rule.matches(host, ip, port, clientBytes)) {
                return rule.name();
            }
        }
        return "default";
    }

    private static DecideRequest request(String host, int port, String client) {
        return new DecideRequest(host, port, client, "explicit", Mode.EXPLICIT, Protocol.TLS, null);
    }
}
