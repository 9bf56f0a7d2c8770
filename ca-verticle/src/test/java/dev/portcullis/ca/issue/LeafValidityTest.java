package dev.portcullis.ca.issue;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LeafValidityTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00.750Z");
    private static final Instant WHOLE_NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final LeafValidity SEVEN_DAYS =
            new LeafValidity(Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

    static Stream<Arguments> windows() {
        Instant farCa = NOW.plus(Duration.ofDays(3650));
        return Stream.of(
                arguments("no hint and a long-lived CA give the configured validity", farCa, 0L,
                        WHOLE_NOW.plus(Duration.ofDays(7))),
                arguments("a CA expiring sooner caps the leaf", NOW.plus(Duration.ofDays(2)), 0L,
                        WHOLE_NOW.plus(Duration.ofDays(2))),
                arguments("an earlier hint caps the leaf", farCa, NOW.plus(Duration.ofHours(5)).toEpochMilli(),
                        WHOLE_NOW.plus(Duration.ofHours(5))),
                arguments("a later hint changes nothing", farCa, NOW.plus(Duration.ofDays(90)).toEpochMilli(),
                        WHOLE_NOW.plus(Duration.ofDays(7))),
                arguments("hint and CA both earlier: the earliest wins", NOW.plus(Duration.ofHours(3)),
                        NOW.plus(Duration.ofHours(5)).toEpochMilli(), WHOLE_NOW.plus(Duration.ofHours(3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void notAfterIsTheEarliestLimitInWholeSeconds(String sentence, Instant caNotAfter, long hint, Instant expected) {
        LeafValidity.Window window = SEVEN_DAYS.window(caNotAfter, hint);

        assertThat(window.notAfter()).isEqualTo(expected);
        assertThat(window.notBefore()).isEqualTo(WHOLE_NOW.minus(Duration.ofHours(1)));
    }

    @Test
    void hintInThePastIsABadRequest() {
        assertThatThrownBy(() -> SEVEN_DAYS.window(NOW.plus(Duration.ofDays(10)), NOW.minusSeconds(1).toEpochMilli()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("notAfterEpochMs must be in the future");
    }

    @Test
    void expiredCaIsAnInternalFailure() {
        assertThatThrownBy(() -> SEVEN_DAYS.window(NOW.minusSeconds(10), 0))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("the CA expired on");
    }
}
