package dev.portcullis.policy.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PortRangeTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("port 0 is refused", "0", "port must be 1-65535, was 0"),
                arguments("port 65536 is refused", "65536", "port must be 1-65535, was 65536"),
                arguments("a backwards range is refused", "10-5", "must run from low to high, was 10-5"),
                arguments("a range past 65535 is refused", "65000-70000", "port must be 1-65535, was 70000"),
                arguments("a negative port is refused", "-1", "was '-1'"),
                arguments("a name is refused", "https", "was 'https'"),
                arguments("a half range is refused", "8000-", "was ''"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refuses(String sentence, String text, String reason) {
        assertThatThrownBy(() -> PortRange.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aRangeContainsBothBoundsAndNothingOutside() {
        PortRange range = PortRange.parse("8000-8100");

        assertThat(range.contains(8000)).isTrue();
        assertThat(range.contains(8100)).isTrue();
        assertThat(range.contains(7999)).isFalse();
        assertThat(range.contains(8101)).isFalse();
        assertThat(range).hasToString("8000-8100");
        assertThat(PortRange.parse(" 443 ")).isEqualTo(PortRange.of(443)).hasToString("443");
    }
}
