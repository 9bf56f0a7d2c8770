package dev.portcullis.policy.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class IpLiteralTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                // sentence, text, canonical form or null when not a literal
                arguments("a dotted quad is IPv4", "192.0.2.1", "192.0.2.1"),
                arguments("a bracketed IPv6 address is understood", "[2001:db8::1]", "2001:db8::1"),
                arguments("an IPv6 zone is ignored", "fe80::1%eth0", "fe80::1"),
                arguments("an IPv4-mapped IPv6 address becomes IPv4", "::ffff:192.0.2.1", "192.0.2.1"),
                arguments("IPv6 is written in RFC 5952 form", "2001:0DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
                arguments("the first of two equal zero runs is compressed", "2001:db8:0:0:1:0:0:1",
                        "2001:db8::1:0:0:1"),
                arguments("a single zero group is not compressed", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
                arguments("the unspecified address is two colons", "0:0:0:0:0:0:0:0", "::"),
                arguments("a host name is not a literal", "github.com", null),
                arguments("an octet above 255 is not a literal", "192.0.2.256", null),
                arguments("a leading zero is not a literal", "192.0.2.01", null),
                arguments("three octets are not a literal", "192.0.2", null),
                arguments("five octets are not a literal", "192.0.2.1.5", null),
                arguments("an empty octet is not a literal", "192..2.1", null),
                arguments("a name with colons is not looked up", "evil.example:80", null),
                arguments("a colon text starting with a dot is not handed to the resolver", ".:1", null),
                arguments("an invalid IPv6 text is not a literal", "1:2", null),
                arguments("an empty text is not a literal", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void parsesAndFormats(String sentence, String text, String canonical) {
        byte[] address = IpLiteral.parse(text);

        if (canonical == null) {
            assertThat(address).isNull();
        } else {
            assertThat(IpLiteral.format(address)).isEqualTo(canonical);
        }
    }
}
