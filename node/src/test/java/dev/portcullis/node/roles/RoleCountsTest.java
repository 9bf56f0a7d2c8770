package dev.portcullis.node.roles;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RoleCountsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("every role with counts", "policy:1,dns:1,proxy:1", "policy:1,dns:1,proxy:1"),
                arguments("order given does not change deployment order", "proxy:2,policy:1,dns:1",
                        "policy:1,dns:1,proxy:2"),
                arguments("a role without a count runs one instance", "proxy", "proxy:1"),
                arguments("spaces and upper case are tolerated", " Proxy : 3 , DNS ", "dns:1,proxy:3"),
                arguments("the largest count is accepted", "proxy:64", "proxy:64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidRoleLists(String sentence, String text, String canonical) {
        RoleCounts roles = RoleCounts.parse(text);

        assertThat(roles.spec()).isEqualTo(canonical);
        assertThat(RoleCounts.parse(roles.spec())).isEqualTo(roles);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an empty list names no role", "", "at least one role"),
                arguments("an unknown role is named with the known ones", "cache:1",
                        "unknown role 'cache' (known roles: policy, dns, ca, proxy)"),
                arguments("a zero count is refused", "proxy:0", "instance count of role proxy must be 1-64, was '0'"),
                arguments("a negative count is refused", "dns:-1", "must be 1-64, was '-1'"),
                arguments("a count above the limit is refused", "proxy:65", "must be 1-64, was '65'"),
                arguments("a count that is not a number is refused", "proxy:two", "was 'two'"),
                arguments("a missing count after the colon is refused", "proxy:", "was ''"),
                arguments("a role given twice is refused", "proxy:1,proxy:2", "role proxy is given twice"),
                arguments("an empty entry is refused", "policy,,dns", "empty entry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesInvalidRoleLists(String sentence, String text, String message) {
        assertThatThrownBy(() -> RoleCounts.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
