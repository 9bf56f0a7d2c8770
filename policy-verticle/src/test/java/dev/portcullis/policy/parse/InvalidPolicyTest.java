package dev.portcullis.policy.parse;

import dev.portcullis.policy.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Broken policy files from {@code policy/invalid/}: each is refused at the right line, saying why. */
class InvalidPolicyTest {

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                // sentence, fixture, line, reason fragment
                arguments("a misspelt rule key is refused, naming the rule and the keys it could be",
                        "unknown-rule-key.yaml", 11,
                        "unknown key 'inspecton' in rule 'partner-api' (expected one of action, destinations, hosts,"
                                + " http, inspection, name, non-tls, ports, sni-check, sources)"),
                arguments("a misspelt top-level key is refused", "unknown-top-level-key.yaml", 3,
                        "unknown key 'rulez' at top level"),
                arguments("a misspelt key in the default is refused", "unknown-default-key.yaml", 4,
                        "unknown key 'inspect' in default"),
                arguments("a misspelt key in an http entry is refused", "unknown-http-key.yaml", 9,
                        "unknown key 'path' in http entry 1 in rule 'partner-api'"),
                arguments("an invalid regex is refused at its own line", "invalid-regex.yaml", 7,
                        "invalid regex 're:^api[': Unclosed character class"),
                arguments("a port above 65535 is refused", "port-out-of-range.yaml", 8,
                        "port must be 1-65535, was 70000"),
                arguments("a port range running backwards is refused", "port-range-reversed.yaml", 6,
                        "port range must run from low to high, was 9000-8000"),
                arguments("a port that is not a number is refused", "port-not-a-number.yaml", 6,
                        "port must be a number 1-65535 or a range such as 8000-8100, was 'https'"),
                arguments("ports written as a single value are refused", "ports-not-a-list.yaml", 6,
                        "ports must be a list, was '443'"),
                arguments("an empty ports list is refused rather than read as any port", "ports-empty.yaml", 6,
                        "ports must not be empty"),
                arguments("an empty hosts list is refused", "hosts-empty.yaml", 5, "hosts must not be empty"),
                arguments("a duplicate rule name is refused at the second one", "duplicate-rule-name.yaml", 10,
                        "duplicate rule name 'web' (first at line 4)"),
                arguments("a key given twice in one mapping is refused", "duplicate-key.yaml", 7,
                        "duplicate key 'action' (first at line 6)"),
                arguments("a source CIDR with too long a prefix is refused", "invalid-source-cidr.yaml", 6,
                        "invalid CIDR '10.2.0.0/33': prefix must be 0-32, was 33"),
                arguments("a CIDR with host bits set is refused with the network it probably meant",
                        "cidr-host-bits.yaml", 7,
                        "invalid CIDR '10.1.2.3/16': host bits set beyond /16 (the network is 10.1.0.0/16)"),
                arguments("a guard entry that is not an address is refused", "invalid-guard-cidr.yaml", 6,
                        "invalid CIDR 'localhost/8': 'localhost' is not an IP address"),
                arguments("a host name with an empty label is refused", "invalid-host.yaml", 5,
                        "invalid host pattern 'web..example'"),
                arguments("a wildcard anywhere but the first label is refused", "wildcard-in-the-middle.yaml", 6,
                        "invalid host pattern 'api.*.example': '*' is allowed only as a whole first label"),
                arguments("a wildcard over an IP address is refused", "wildcard-ip.yaml", 5,
                        "a wildcard needs a host name, not an IP address"),
                arguments("an unclosed flow list is refused where YAML notices it", "yaml-syntax.yaml", 6,
                        "invalid YAML:"),
                arguments("a tab used for indentation is refused", "tab-indentation.yaml", 4,
                        "invalid YAML:"),
                arguments("an empty file is refused", "empty.yaml", 1, "empty policy file"),
                arguments("a file of only comments is refused as empty", "only-comments.yaml", 1,
                        "empty policy file"),
                arguments("a policy without rules is refused", "missing-rules.yaml", 1,
                        "missing required key 'rules' at top level"),
                arguments("a policy without a default is refused", "missing-default.yaml", 1,
                        "missing required key 'default' at top level"),
                arguments("a rule without an action is refused", "missing-action.yaml", 4,
                        "missing required key 'action' in rule 'web'"),
                arguments("rules written as a mapping are refused", "rules-not-a-list.yaml", 4,
                        "rules must be a list, was a mapping"),
                arguments("a file that is a list is refused", "root-is-a-list.yaml", 1,
                        "the policy must be a mapping, was a list"),
                arguments("an unknown schema version is refused", "schema-version-2.yaml", 1,
                        "version must be 1, was '2'"),
                arguments("an unknown action is refused", "unknown-action.yaml", 6,
                        "action must be one of allow, deny, was 'permit'"),
                arguments("a YAML boolean where an action belongs is refused", "yaml-boolean-action.yaml", 2,
                        "action must be one of allow, deny, was 'no'"),
                arguments("non-tls on a splice rule is refused because it could never apply",
                        "non-tls-on-splice.yaml", 7, "'non-tls' applies only with 'inspection: decrypt' in rule 'web'"),
                arguments("inspection on a deny rule is refused", "inspection-on-deny.yaml", 7,
                        "'inspection' does not apply to 'action: deny' in rule 'web'"),
                arguments("ech: allow (the old spelling of outer-sni) is refused, naming the words it could be",
                        "ech-allow.yaml", 3, "ech must be one of outer-sni, deny, was 'allow'"),
                arguments("a YAML 1.1 boolean for sni-check is refused", "sni-check-yaml-boolean.yaml", 7,
                        "sni-check must be true or false, was 'no'"),
                arguments("sni-check on a deny rule is refused", "sni-check-on-deny.yaml", 7,
                        "'sni-check' does not apply to 'action: deny' in rule 'web'"),
                arguments("guard exemptions on a deny rule are refused", "destinations-on-deny.yaml", 7,
                        "'destinations' does not apply to 'action: deny' in rule 'web'"),
                arguments("a lower-case HTTP method is refused", "lower-case-method.yaml", 11,
                        "method must be an upper-case HTTP token such as GET, was 'delete'"),
                arguments("a path glob not starting with a slash is refused", "relative-path-glob.yaml", 9,
                        "path must start with '/', was 'v1/**'"),
                arguments("a duration in words is refused", "bad-duration.yaml", 3,
                        "decision-cache-ttl must be a duration such as 500ms"),
                arguments("a rule named default is refused", "reserved-rule-name.yaml", 4,
                        "rule name 'default' is reserved"),
                arguments("a rule name that YAML reads as a number is refused", "rule-name-not-a-string.yaml", 4,
                        "rule name must be a string, was '42'"),
                arguments("a second YAML document is refused", "two-documents.yaml", 4,
                        "expected a single document"),
                arguments("a YAML merge key is refused", "merge-key.yaml", 6,
                        "keys must be plain names, was '<<'"),
                // Rules are read while the file is composed; problems still come in the order of the checks.
                arguments("a version check fails before a broken rule written above it",
                        "rule-before-bad-version.yaml", 6, "version must be 1, was '2'"),
                arguments("invalid YAML anywhere fails before a broken rule", "rule-before-yaml-error.yaml", 9,
                        "invalid YAML:"),
                arguments("an alias among the rules is a second rule of the same name", "alias-rule.yaml", 5,
                        "duplicate rule name 'web' (first at line 5)"),
                arguments("a rule that is not a mapping is refused by its position", "scalar-rule.yaml", 7,
                        "rule 2 must be a mapping, was 'web.example'"),
                arguments("a second rules list is a duplicate key", "rules-twice.yaml", 7,
                        "duplicate key 'rules' (first at line 3)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void refuses(String sentence, String fixture, int line, String reason) {
        PolicyException error = parse(fixture);

        assertThat(error.line()).as(error.getMessage()).isEqualTo(line);
        assertThat(error.reason()).contains(reason);
        assertThat(error.file()).isEqualTo(fixture);
        assertThat(error.getMessage()).startsWith(fixture + ":" + line + ": ");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithoutALine() {
        byte[] latin1 = "version: 1\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);

        PolicyException error = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse("latin1.yaml", latin1));

        assertThat(error.getMessage()).isEqualTo("latin1.yaml: not valid UTF-8");
    }

    private static PolicyException parse(String fixture) {
        byte[] content = Fixtures.bytes("invalid/" + fixture);
        PolicyException error = catchThrowableOfType(PolicyException.class,
                () -> PolicyParser.parse(fixture, content));
        assertThat(error).as("%s should be refused", fixture).isNotNull();
        return error;
    }
}
