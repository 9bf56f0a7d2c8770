package dev.portcullis.dns.lookup;

import dev.portcullis.api.dns.ResolutionSource;

/**
 * What the dns role tells a caller: a result, how much longer it is valid, and where it came from.
 *
 * @param result   addresses or a definite "none"
 * @param ttlMs    remaining validity in milliseconds, never negative
 * @param source   static override, cache, or the resolvers just now
 */
public record Answer(LookupResult result, long ttlMs, ResolutionSource source) {

    public Answer {
        if (result == null || source == null) {
            throw new IllegalArgumentException("result and source are required");
        }
        if (ttlMs < 0) {
            throw new IllegalArgumentException("ttlMs must not be negative, was " + ttlMs);
        }
    }
}
