package dev.portcullis.proxy.guard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationGuardTest {

    private static final List<String> DEFAULT_DENY = List.of("0.0.0.0/8", "127.0.0.0/8", "10.0.0.0/8",
            "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b:1::/48", "fc00::/7", "fe80::/10", "ff00::/8");

    /** A node on 10.0.0.5 (admin on loopback, Hazelcast and event bus on a wildcard bind) and a member on 10.0.0.6. */
    private static final Map<String, String> ENDPOINTS = Map.of(
            "admin", OwnEndpoints.entry("127.0.0.1", 9191, "this gateway's admin API"),
            "hazelcast", OwnEndpoints.entry("0.0.0.0", 5701, "this gateway's Hazelcast cluster port"),
            "event-bus", OwnEndpoints.entry("10.0.0.5", 41000, "this gateway's event bus"),
            "member:b:hazelcast", OwnEndpoints.entry("10.0.0.6", 5701, "cluster member b's Hazelcast cluster port"),
            "member:b:event-bus", OwnEndpoints.entry("10.0.0.6", 42000, "cluster member b's event bus"));

    private static DestinationGuard guard(List<String> allow, InetAddress... own) {
        AddressClassifier classifier = new AddressClassifier(Set.of(own));
        return new DestinationGuard(DEFAULT_DENY, allow, classifier,
                new OwnEndpoints(ENDPOINTS, Map.of("explicit", "127.0.0.1:3128", "dns", "[::1]:5353"), classifier));
    }

    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of("public IPv4 passes", "93.184.216.34", 443, true, AddressClass.PUBLIC),
                Arguments.of("loopback refused", "127.0.0.1", 443, false, AddressClass.LOOPBACK),
                Arguments.of("anywhere in 127/8 refused", "127.8.9.10", 443, false, AddressClass.LOOPBACK),
                Arguments.of("metadata address refused", "169.254.169.254", 80, false, AddressClass.METADATA),
                Arguments.of("RFC 1918 refused", "10.1.2.3", 443, false, AddressClass.PRIVATE),
                Arguments.of("172.31 is private", "172.31.255.1", 443, false, AddressClass.PRIVATE),
                Arguments.of("172.32 is public", "172.32.0.1", 443, true, AddressClass.PUBLIC),
                Arguments.of("CGNAT refused", "100.64.0.1", 443, false, AddressClass.CGNAT),
                Arguments.of("unspecified refused", "0.0.0.0", 443, false, AddressClass.UNSPECIFIED),
                Arguments.of("multicast refused", "239.1.1.1", 443, false, AddressClass.MULTICAST),
                Arguments.of("IPv6 loopback refused", "::1", 443, false, AddressClass.LOOPBACK),
                Arguments.of("IPv4-mapped loopback refused by its IPv4", "::ffff:127.0.0.1", 443, false,
                        AddressClass.LOOPBACK),
                Arguments.of("NAT64-embedded metadata refused by its IPv4", "64:ff9b::a9fe:a9fe", 80, false,
                        AddressClass.METADATA),
                Arguments.of("NAT64 local-use (RFC 8215) embedded loopback refused by its IPv4", "64:ff9b:1::7f00:1",
                        443, false, AddressClass.LOOPBACK),
                Arguments.of("NAT64 local-use (RFC 8215) embedded metadata refused by its IPv4",
                        "64:ff9b:1::a9fe:a9fe", 80, false, AddressClass.METADATA),
                Arguments.of("NAT64 local-use, another RFC 6052 layout, is never globally reachable",
                        "64:ff9b:1:7f00:1::", 443, false, AddressClass.RESERVED),
                Arguments.of("6to4-embedded private refused by its IPv4", "2002:0a00:0001::1", 443, false,
                        AddressClass.PRIVATE),
                Arguments.of("IPv6 unique-local refused", "fd12:3456::1", 443, false, AddressClass.PRIVATE),
                Arguments.of("IPv6 link-local refused", "fe80::1", 443, false, AddressClass.LINK_LOCAL),
                Arguments.of("EC2 IPv6 metadata refused", "fd00:ec2::254", 80, false, AddressClass.METADATA),
                Arguments.of("public IPv6 passes", "2606:2800:220:1:248:1893:25c8:1946", 443, true,
                        AddressClass.PUBLIC));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void guardsDestinationsAfterResolution(String sentence, String address, int port, boolean allowed,
                                           AddressClass addressClass) {
        DestinationGuard.Verdict verdict = guard(List.of()).check(address, port);
        assertThat(verdict.allowed()).isEqualTo(allowed);
        assertThat(verdict.addressClass()).isEqualTo(addressClass);
    }

    @Test
    void aRuleExemptionLetsOneGuardedAddressThrough() {
        DestinationGuard guard = guard(List.of("127.0.0.1/32"));
        assertThat(guard.check("127.0.0.1", 8443).allowed()).isTrue();
        assertThat(guard.check("127.0.0.2", 8443).allowed()).isFalse();
    }

    @Test
    void theProxyItselfIsRefusedEvenWhenExempted() {
        DestinationGuard guard = guard(List.of("127.0.0.0/8"));
        DestinationGuard.Verdict verdict = guard.check("127.0.0.1", 3128);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.reason()).isEqualTo("destination is this gateway's explicit listener (127.0.0.1:3128)");
    }

    static Stream<Arguments> ownEndpoints() {
        return Stream.of(
                Arguments.of("127.0.0.1", 9191, "this gateway's admin API (127.0.0.1:9191)"),
                Arguments.of("127.0.0.2", 9191, "this gateway's admin API (127.0.0.2:9191)"),
                Arguments.of("::ffff:127.0.0.1", 9191, "this gateway's admin API ([::ffff:127.0.0.1]:9191)"),
                Arguments.of("64:ff9b:1::7f00:1", 9191, "this gateway's admin API ([64:ff9b:1::7f00:1]:9191)"),
                Arguments.of("0.0.0.0", 9191, "this gateway's admin API (0.0.0.0:9191)"),
                Arguments.of("10.0.0.5", 5701, "this gateway's Hazelcast cluster port (10.0.0.5:5701)"),
                Arguments.of("::1", 5701, "this gateway's Hazelcast cluster port ([::1]:5701)"),
                Arguments.of("10.0.0.5", 41000, "this gateway's event bus (10.0.0.5:41000)"),
                Arguments.of("127.0.0.1", 5353, "this gateway's workload DNS server (127.0.0.1:5353)"),
                Arguments.of("10.0.0.6", 5701, "cluster member b's Hazelcast cluster port (10.0.0.6:5701)"),
                Arguments.of("::ffff:10.0.0.6", 42000, "cluster member b's event bus ([::ffff:10.0.0.6]:42000)"));
    }

    @ParameterizedTest(name = "{0}:{1}")
    @MethodSource("ownEndpoints")
    void theGatewaysOwnEndpointsAreRefusedBeforeAnyExemption(String address, int port, String what)
            throws Exception {
        DestinationGuard guard = guard(List.of("0.0.0.0/0", "::/0"), InetAddress.getByName("10.0.0.5"));
        DestinationGuard.Verdict verdict = guard.check(address, port);
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.reason()).isEqualTo("destination is " + what);
    }

    @Test
    void otherPortsOfTheSameAddressesPassUnderTheExemption() throws Exception {
        DestinationGuard guard = guard(List.of("127.0.0.0/8", "10.0.0.0/8"), InetAddress.getByName("10.0.0.5"));
        assertThat(guard.check("127.0.0.1", 8080).allowed()).isTrue();
        assertThat(guard.check("10.0.0.6", 9191).allowed()).as("member b's other ports").isTrue();
        assertThat(guard.check("10.0.0.7", 5701).allowed()).as("not a member").isTrue();
        assertThat(guard.check("10.0.0.6", 41000).allowed()).as("this node's event bus port on b").isTrue();
    }

    @Test
    void thisHostsOwnAddressIsClassifiedSelf() throws Exception {
        InetAddress own = InetAddress.getByName("198.51.100.7");
        assertThat(guard(List.of(), own).check("198.51.100.7", 443).addressClass()).isEqualTo(AddressClass.SELF);
    }

    @Test
    void guardedAddressesAreDroppedAndTheRestKeptInOrder() {
        assertThat(guard(List.of()).allowed(List.of("10.0.0.1", "93.184.216.34", "127.0.0.1"), 443))
                .containsExactly("93.184.216.34");
    }

    @Test
    void aNameResolvingOnlyIntoGuardedRangesIsRefusedNamingTheFirst() {
        assertThatThrownBy(() -> guard(List.of()).allowed(List.of("169.254.169.254", "10.0.0.1"), 80))
                .isInstanceOf(GuardRefusedException.class)
                .hasMessageContaining("169.254.169.254")
                .hasMessageContaining("metadata");
    }
}
