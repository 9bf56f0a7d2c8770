package dev.portcullis.api.host;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.IDN;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostNameTest {

    static Stream<Arguments> normalised() {
        return Stream.of(
                Arguments.of("name is lower-cased", "Example.COM", "example.com", HostName.Kind.DNS),
                Arguments.of("one trailing dot is stripped", "example.com.", "example.com", HostName.Kind.DNS),
                Arguments.of("IDN becomes its A-label", "bücher.example", "xn--bcher-kva.example", HostName.Kind.DNS),
                Arguments.of("single-label name is a name", "localhost", "localhost", HostName.Kind.DNS),
                Arguments.of("dotted quad is IPv4", "192.0.2.1", "192.0.2.1", HostName.Kind.IPV4),
                Arguments.of("bracketed IPv6 loses its brackets", "[2001:DB8::1]", "2001:db8::1",
                        HostName.Kind.IPV6),
                Arguments.of("IPv4-mapped IPv6 literal is read as the IPv4 it maps", "[::ffff:127.0.0.1]",
                        "127.0.0.1", HostName.Kind.IPV4),
                Arguments.of("hyphen inside a label is fine", "my-host.example", "my-host.example", HostName.Kind.DNS),
                Arguments.of("numbers in labels other than the last are fine", "1.2.3.example", "1.2.3.example",
                        HostName.Kind.DNS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalised")
    void normalises(String sentence, String raw, String value, HostName.Kind kind) {
        HostName host = HostName.parse(raw);
        assertThat(host.value()).isEqualTo(value);
        assertThat(host.kind()).isEqualTo(kind);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("empty host", ""),
                Arguments.of("only a dot", "."),
                Arguments.of("empty label", "a..example"),
                Arguments.of("leading dot", ".example.com"),
                Arguments.of("underscore", "bad_host.example"),
                Arguments.of("space", "a b.example"),
                Arguments.of("leading hyphen", "-a.example"),
                Arguments.of("label of 64 characters", "a".repeat(64) + ".example"),
                Arguments.of("name over 253 characters", ("a".repeat(60) + ".").repeat(5) + "com"),
                Arguments.of("short IPv4 form that inet_aton accepts", "127.1"),
                Arguments.of("decimal integer IPv4 form", "2130706433"),
                Arguments.of("hex IPv4 form", "0x7f000001"),
                Arguments.of("octet over 255", "256.1.1.1"),
                Arguments.of("unterminated IPv6 literal", "[::1"),
                Arguments.of("IPv6 literal with a zone", "[fe80::1%eth0]"),
                Arguments.of("control character", "exa\u0000mple.com"),
                Arguments.of("text that only looks like an IPv6 literal", ".:1"),
                Arguments.of("IPv6 literal with too many groups", "[1:2:3:4:5:6:7:8:9]"));
    }

    static Stream<Arguments> plainNames() {
        return Stream.of(
                Arguments.of("lower-case name", "github.com"),
                Arguments.of("mixed case with digits and inner hyphens", "Api-2.EU-West.Example"),
                Arguments.of("label of 63 characters", "a".repeat(63) + ".example"),
                Arguments.of("name of 253 characters", ("a".repeat(63) + ".").repeat(3) + "b".repeat(61)),
                Arguments.of("an A-label already", "xn--bcher-kva.example"),
                Arguments.of("numeric labels", "1.2.3.example"),
                Arguments.of("single label", "localhost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plainNames")
    void aPlainAsciiNameNormalisesAsIdnWould(String sentence, String raw) {
        assertThat(HostName.isLdhName(raw)).isTrue();
        assertThat(HostName.parse(raw).value())
                .isEqualTo(IDN.toASCII(raw, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT));
    }

    static Stream<Arguments> notPlainNames() {
        return Stream.of(
                Arguments.of("empty label", "a..example"),
                Arguments.of("leading hyphen", "-a.example"),
                Arguments.of("trailing hyphen", "a-.example"),
                Arguments.of("label of 64 characters", "a".repeat(64) + ".example"),
                Arguments.of("underscore", "bad_host.example"),
                Arguments.of("non-ASCII letter", "bücher.example"),
                Arguments.of("ideographic full stop", "a\u3002example"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPlainNames")
    void anythingElseTakesTheIdnPath(String sentence, String raw) {
        assertThat(HostName.isLdhName(raw)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String sentence, String raw) {
        assertThatThrownBy(() -> HostName.parse(raw)).isInstanceOf(InvalidHostException.class);
    }
}
