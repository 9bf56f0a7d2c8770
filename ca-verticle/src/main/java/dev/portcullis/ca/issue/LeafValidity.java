package dev.portcullis.ca.issue;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a leaf is valid: from an hour ago (clients with slow clocks) until the earliest of now + the configured
 * validity, the CA's own expiry and the caller's hint. A leaf never outlives its CA: clients would refuse it at
 * that point anyway, with a less helpful error.
 */
public final class LeafValidity {

    /** How far notBefore is backdated. */
    public static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private final Duration maximum;
    private final Clock clock;

    public LeafValidity(Duration maximum, Clock clock) {
        this.maximum = maximum;
        this.clock = clock;
    }

    /**
     * @param caNotAfter      the issuing CA's expiry
     * @param notAfterHintMs the caller's latest wanted expiry in epoch ms, or 0 for none
     * @return the window, whole seconds (what X.509 times can hold, so the reported expiry is the certificate's)
     * @throws IllegalArgumentException when the hint is not in the future
     * @throws GatewayException         {@link ErrorCode#INTERNAL} when the CA has expired
     */
    public Window window(Instant caNotAfter, long notAfterHintMs) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(maximum);
        if (caNotAfter.isBefore(notAfter)) {
            notAfter = caNotAfter;
        }
        if (notAfterHintMs > 0 && Instant.ofEpochMilli(notAfterHintMs).isBefore(notAfter)) {
            notAfter = Instant.ofEpochMilli(notAfterHintMs);
        }
        notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
        if (!notAfter.isAfter(now)) {
            if (!caNotAfter.isAfter(now)) {
                throw new GatewayException(ErrorCode.INTERNAL, "the CA expired on " + caNotAfter);
            }
            throw new IllegalArgumentException("notAfterEpochMs must be in the future, was " + notAfterHintMs);
        }
        return new Window(now.minus(CLOCK_SKEW).truncatedTo(ChronoUnit.SECONDS), notAfter);
    }

    /** A validity period, both ends inclusive (RFC 5280 §4.1.2.5). */
    public record Window(Instant notBefore, Instant notAfter) {
    }
}
