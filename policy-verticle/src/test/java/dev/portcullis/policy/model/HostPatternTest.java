package dev.portcullis.policy.model;

import dev.portcullis.api.host.HostName;
import dev.portcullis.policy.net.IpLiteral;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The reference semantics of host patterns, which the compiled matcher is tested against. */
class HostPatternTest {

    static Stream<Arguments> matching() {
        return Stream.of(
                // sentence, pattern, destination, matches
                arguments("an exact name matches itself", "github.com", "github.com", true),
                arguments("an exact name is normalised like destinations", "GitHub.com.", "github.com", true),
                arguments("an exact name does not match a subdomain", "github.com", "api.github.com", false),
                arguments("a wildcard matches one label below", "*.github.com", "api.github.com", true),
                arguments("a wildcard matches two labels below", "*.github.com", "a.b.github.com", true),
                arguments("a wildcard does not match its apex", "*.github.com", "github.com", false),
                arguments("a wildcard does not match a lookalike suffix", "*.github.com", "evilgithub.com", false),
                arguments("any-host matches a name", "*", "example.org", true),
                arguments("any-host matches an IP literal", "*", "192.0.2.1", true),
                arguments("a regex must match the whole name", "re:api\\d+\\.example", "api1.example.org", false),
                arguments("a regex matches a whole name", "re:api\\d+\\.example", "api1.example", true),
                arguments("a regex never matches an IP literal", "re:.*", "192.0.2.1", false),
                arguments("a CIDR matches an IP literal in it", "192.0.2.0/24", "192.0.2.1", true),
                arguments("a CIDR never matches a name", "192.0.2.0/24", "192.0.2.example", false),
                arguments("an IP literal pattern matches that address", "[2001:db8::1]", "2001:db8:0:0:0:0:0:1", true),
                arguments("an exact name never matches an IP literal", "example.com", "192.0.2.1", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matching")
    void matchesOrNot(String sentence, String pattern, String destination, boolean matches) {
        String host = HostName.parse(destination).value();

        assertThat(HostPattern.parse(pattern).matches(host, IpLiteral.parse(host))).isEqualTo(matches);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an empty pattern is refused", "", "empty host pattern"),
                arguments("a star inside a label is refused", "api*.example", "'*' is allowed only"),
                arguments("a double wildcard is refused", "*.*.example", "'*' is allowed only"),
                arguments("an empty regex is refused", "re:", "empty expression"),
                arguments("a numeric name is refused", "2130706433", "numeric host"),
                arguments("a name with a space is refused", "bad name.example", "invalid host pattern"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refuses(String sentence, String pattern, String reason) {
        assertThatThrownBy(() -> HostPattern.parse(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
