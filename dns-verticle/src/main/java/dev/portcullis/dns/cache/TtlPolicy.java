package dev.portcullis.dns.cache;

import dev.portcullis.api.config.Durations;
import dev.portcullis.dns.lookup.LookupResult;

import java.time.Duration;

/**
 * How long an answer is kept. Positive answers live for their TTL clamped to [minTtl, maxTtl]: the floor stops a
 * TTL of 0 from turning every connection into a query, the ceiling bounds how long a moved name keeps its old
 * address. Negative answers live for negativeTtl.
 *
 * @param minTtl      floor for positive answers
 * @param maxTtl      ceiling for positive answers, at least minTtl
 * @param negativeTtl lifetime of "no such name" and "no address" answers
 */
public record TtlPolicy(Duration minTtl, Duration maxTtl, Duration negativeTtl) {

    public TtlPolicy {
        requireNotNegative("minTtl", minTtl);
        requireNotNegative("maxTtl", maxTtl);
        requireNotNegative("negativeTtl", negativeTtl);
        if (minTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("minTtl (" + Durations.format(minTtl) + ") must not exceed maxTtl ("
                    + Durations.format(maxTtl) + ")");
        }
    }

    /** The lifetime of a result in the cache. */
    public Duration lifetime(LookupResult result) {
        if (result instanceof LookupResult.Found found) {
            return clamp(found.ttl());
        }
        return negativeTtl;
    }

    /** A record TTL clamped to [minTtl, maxTtl]. */
    public Duration clamp(Duration ttl) {
        if (ttl.compareTo(minTtl) < 0) {
            return minTtl;
        }
        return ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
