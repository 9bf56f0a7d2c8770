package dev.portcullis.dns.cache;

import dev.portcullis.dns.lookup.LookupResult;

/**
 * What a finished lookup left in the cache: a result until it expires, or a transient failure, which expires at
 * once. Failures are kept as values rather than failed futures so that sharing one failed query among its
 * waiters is not reported by Caffeine as a load error (it logs a warning with a stack trace for each).
 *
 * @param result         what the resolvers said, or {@code null} for a failure
 * @param failure        why the lookup failed, or {@code null}
 * @param expiresAtNanos expiry on the cache's ticker
 */
record CacheEntry(LookupResult result, Throwable failure, long expiresAtNanos) {

    static CacheEntry of(LookupResult result, long expiresAtNanos) {
        return new CacheEntry(result, null, expiresAtNanos);
    }

    static CacheEntry failed(Throwable failure) {
        return new CacheEntry(null, failure, Long.MIN_VALUE);
    }

    /** Nanoseconds left at {@code nowNanos}, never negative; zero for a failure. */
    long remainingNanos(long nowNanos) {
        return failure != null ? 0 : Math.max(0, expiresAtNanos - nowNanos);
    }
}
