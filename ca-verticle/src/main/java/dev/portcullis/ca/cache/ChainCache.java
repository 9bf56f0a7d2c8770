package dev.portcullis.ca.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.api.ca.SignedChain;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Signed chains by {@link ChainKey}, bounded in count. A proxy asking again for the same key and names gets the
 * same chain without a signing; requests arriving while that signing is in flight wait for it instead of
 * starting their own (the in-flight future is the cache entry). An entry lives for {@value #KEEP_PERCENT}% of the
 * leaf's remaining validity, so nobody is handed a leaf about to expire. A failed signing is not kept.
 *
 * <p>Counts signings started and requests answered from the cache (including those that joined an in-flight
 * signing), for the info reply and for tests.
 */
public final class ChainCache {

    /** Share of a leaf's remaining validity its cache entry lives. */
    static final int KEEP_PERCENT = 80;

    private final AsyncCache<ChainKey, SignedChain> cache;
    private final LongAdder signings = new LongAdder();
    private final LongAdder hits = new LongAdder();

    /**
     * @param maximumSize the most chains kept
     * @param clock       the wall clock leaf expiries are compared with
     */
    public ChainCache(int maximumSize, Clock clock) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.<ChainKey, SignedChain>writing((key, chain) ->
                        Duration.ofMillis(Math.max(0, chain.notAfterEpochMs() - clock.millis()) / 100 * KEEP_PERCENT)))
                // Maintenance on the caller's thread: no common-pool threads on a 2-core box for tiny work.
                .executor(Runnable::run)
                .buildAsync();
    }

    /**
     * @param signer starts a signing for a key that is neither cached nor in flight; called on this thread
     * @return the cached, in-flight or newly started chain
     */
    public CompletableFuture<SignedChain> get(ChainKey key,
                                              Function<ChainKey, CompletableFuture<SignedChain>> signer) {
        boolean[] started = {false};
        CompletableFuture<SignedChain> chain = cache.get(key, (missing, executor) -> {
            started[0] = true;
            signings.increment();
            return signer.apply(missing);
        });
        if (!started[0]) {
            hits.increment();
        }
        return chain;
    }

    /** Drops every chain, in flight or done: the CA changed. */
    public void clear() {
        cache.synchronous().invalidateAll();
    }

    /** Signings started since creation. */
    public long signings() {
        return signings.sum();
    }

    /** Requests answered by a cached or in-flight chain since creation. */
    public long hits() {
        return hits.sum();
    }

    /** Chains held now (approximate, as Caffeine counts). */
    public long size() {
        return cache.synchronous().estimatedSize();
    }
}
