package dev.portcullis.node.cluster;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which addresses another member's registered endpoints are refused on. */
class MemberEndpointEntriesTest {

    private static final String MEMBER = "cluster member 1a2b3c4d's";

    @Test
    void anEndpointBoundToAnAddressIsRefusedOnThatAddressOnly() {
        List<String> entries = MemberEndpointEntries.of(MEMBER,
                List.of(RegisteredEndpoint.admin("10.0.0.6", 9191)), List.of("10.0.0.6", "10.0.0.7"));

        assertThat(entries).containsExactly("10.0.0.6 9191 cluster member 1a2b3c4d's admin API");
    }

    @Test
    void aWildcardBindIsRefusedOnTheMembersKnownAddressesAndKeptForAMemberSharingThisHost() {
        List<String> entries = MemberEndpointEntries.of(MEMBER,
                List.of(new RegisteredEndpoint("explicit listener", "0.0.0.0", 3128),
                        new RegisteredEndpoint("workload DNS server", "::", 53)),
                List.of("10.0.0.6", "10.0.0.6", "fd00::6"));

        assertThat(entries).containsExactly(
                "0.0.0.0 3128 cluster member 1a2b3c4d's explicit listener",
                "10.0.0.6 3128 cluster member 1a2b3c4d's explicit listener",
                "fd00::6 3128 cluster member 1a2b3c4d's explicit listener",
                ":: 53 cluster member 1a2b3c4d's workload DNS server",
                "10.0.0.6 53 cluster member 1a2b3c4d's workload DNS server",
                "fd00::6 53 cluster member 1a2b3c4d's workload DNS server");
    }

    @Test
    void aBindByNameIsRefusedOnTheMembersKnownAddressesToo() {
        List<String> entries = MemberEndpointEntries.of(MEMBER,
                List.of(RegisteredEndpoint.admin("gw-b.internal", 9191)), List.of("10.0.0.6"));

        assertThat(entries).containsExactly("gw-b.internal 9191 cluster member 1a2b3c4d's admin API",
                "10.0.0.6 9191 cluster member 1a2b3c4d's admin API");
    }

    @Test
    void onlySpecificAddressesCountAsTheMembersAddresses() {
        List<String> entries = MemberEndpointEntries.of(MEMBER,
                List.of(RegisteredEndpoint.admin("0.0.0.0", 9191)), Arrays.asList(null, "", "0.0.0.0", "gw-b"));

        assertThat(entries).containsExactly("0.0.0.0 9191 cluster member 1a2b3c4d's admin API");
    }
}
