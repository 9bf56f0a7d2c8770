package dev.portcullis.policy.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CidrTest {

    static Stream<Arguments> membership() {
        return Stream.of(
                // sentence, cidr, address, contained
                arguments("an IPv4 range contains its network address", "10.0.0.0/8", "10.0.0.0", true),
                arguments("an IPv4 range contains its last address", "10.0.0.0/8", "10.255.255.255", true),
                arguments("an IPv4 range excludes the address after it", "10.0.0.0/8", "11.0.0.0", false),
                arguments("a prefix that is not a byte boundary is honoured inside", "100.64.0.0/10",
                        "100.127.255.255", true),
                arguments("a prefix that is not a byte boundary is honoured outside", "100.64.0.0/10",
                        "100.128.0.0", false),
                arguments("a /0 contains every IPv4 address", "0.0.0.0/0", "203.0.113.1", true),
                arguments("a /32 contains only itself", "192.0.2.9/32", "192.0.2.9", true),
                arguments("a /32 excludes its neighbour", "192.0.2.9/32", "192.0.2.10", false),
                arguments("a bare address is a single-address range", "192.0.2.9", "192.0.2.9", true),
                arguments("an IPv6 range contains an address inside", "2001:db8::/32", "2001:db8:ffff::1", true),
                arguments("an IPv6 range excludes an address outside", "2001:db8::/32", "2001:db9::1", false),
                arguments("an odd IPv6 prefix is honoured", "fe80::/10", "febf::1", true),
                arguments("an odd IPv6 prefix excludes the next block", "fe80::/10", "fec0::1", false),
                arguments("an IPv4-mapped address is compared as IPv4", "10.0.0.0/8", "::ffff:10.1.2.3", true),
                arguments("an IPv4 address is never in an IPv6 range", "::/0", "10.1.2.3", false),
                arguments("an IPv6 address is never in an IPv4 range", "0.0.0.0/0", "2001:db8::1", false),
                arguments("an IPv4-mapped range is read as the IPv4 range it covers", "::ffff:10.0.0.0/104",
                        "10.200.0.1", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("membership")
    void containsOrNot(String sentence, String cidr, String address, boolean contained) throws UnknownHostException {
        Cidr range = Cidr.parse(cidr);

        assertThat(range.contains(IpLiteral.parse(address))).isEqualTo(contained);
        assertThat(range.contains(InetAddress.getByName(address))).isEqualTo(contained);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("a name is not a range", "localhost/8", "'localhost' is not an IP address"),
                arguments("an IPv4 prefix above 32 is refused", "10.0.0.0/33", "prefix must be 0-32, was 33"),
                arguments("an IPv6 prefix above 128 is refused", "::/129", "prefix must be 0-128, was 129"),
                arguments("a prefix that is not a number is refused", "10.0.0.0/x", "prefix must be a number"),
                arguments("an empty prefix is refused", "10.0.0.0/", "prefix must be a number"),
                arguments("host bits beyond the prefix are refused", "10.1.2.3/8", "host bits set beyond /8"),
                arguments("a short IPv4 form is refused", "10.1/16", "'10.1' is not an IP address"),
                arguments("an octet with a leading zero is refused", "010.0.0.0/8", "is not an IP address"),
                arguments("an IPv4-mapped range below /96 is refused", "::ffff:0:0/80", "at least 96"),
                arguments("an empty text is refused", " ", "empty CIDR"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refuses(String sentence, String text, String reason) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void writesTheCanonicalForm() {
        assertThat(Cidr.parse("2001:0DB8:0000::/32")).hasToString("2001:db8::/32");
        assertThat(Cidr.parse("::1")).hasToString("::1/128");
        assertThat(Cidr.parse("192.0.2.9")).hasToString("192.0.2.9/32");
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).hasToString("10.0.0.0/8");
    }

    @Test
    void rangesWithTheSameNetworkAndPrefixAreEqual() {
        assertThat(Cidr.parse("2001:db8::/32")).isEqualTo(Cidr.parse("2001:0db8:0:0::/32"))
                .hasSameHashCodeAs(Cidr.parse("2001:0db8:0:0::/32"))
                .isNotEqualTo(Cidr.parse("2001:db8::/33"));
    }
}
