package dev.portcullis.dns.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.dns.lookup.Lookup;
import dev.portcullis.dns.lookup.LookupResult;
import io.vertx.core.Future;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers from a bounded cache in front of a {@link Lookup}. Entries are futures, so concurrent lookups of one
 * (name, family) share one query. A query that ends with a result stays for the result's lifetime under the
 * {@link TtlPolicy}, negative results included; one that fails (timeout, resolver error) is given to the lookups
 * waiting for it and dropped at once, so the next lookup asks again.
 */
public final class ResolutionCache {

    private final Lookup upstream;
    private final TtlPolicy ttlPolicy;
    private final Ticker ticker;
    private final AsyncCache<Key, CacheEntry> cache;

    /**
     * @param upstream    asked on a miss
     * @param ttlPolicy   how long results are kept
     * @param maximumSize how many (name, family) entries at most; the least useful are evicted beyond it
     * @param ticker      the clock for expiry and remaining TTLs ({@link Ticker#systemTicker()} outside tests)
     */
    public ResolutionCache(Lookup upstream, TtlPolicy ttlPolicy, int maximumSize, Ticker ticker) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be at least 1, was " + maximumSize);
        }
        this.upstream = upstream;
        this.ttlPolicy = ttlPolicy;
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker)
                // Maintenance is cheap; running it on the caller keeps the cache off the common pool.
                .executor(Runnable::run)
                .expireAfter(new EntryExpiry())
                .buildAsync();
    }

    /**
     * Looks a name up, from the cache when it holds a live result.
     *
     * @return a future completed with the answer: source {@link ResolutionSource#CACHE} when an earlier query
     * filled the entry, {@link ResolutionSource#RESOLVER} when the answer came from a query made for this lookup
     * or still in flight when it arrived; ttlMs is what remains of the entry's lifetime. Fails as
     * {@link Lookup#lookup} does. Completes on the thread that completes the upstream lookup.
     */
    public Future<Answer> lookup(String name, AddressFamily family) {
        boolean[] queried = {false};
        Key key = new Key(name, family);
        CompletableFuture<CacheEntry> entry = cache.get(key, (k, executor) -> {
            queried[0] = true;
            return load(k);
        });
        ResolutionSource source = queried[0] || !entry.isDone() ? ResolutionSource.RESOLVER : ResolutionSource.CACHE;
        return Future.fromCompletionStage(entry).compose(done -> {
            if (done.failure() != null) {
                cache.asMap().remove(key, entry);
                return Future.failedFuture(done.failure());
            }
            return Future.succeededFuture(new Answer(done.result(),
                    TimeUnit.NANOSECONDS.toMillis(done.remainingNanos(ticker.read())), source));
        });
    }

    /** How many (name, family) entries the cache holds, roughly: expired ones may not be swept yet. */
    public long size() {
        return cache.synchronous().estimatedSize();
    }

    private CompletableFuture<CacheEntry> load(Key key) {
        Future<LookupResult> result;
        try {
            result = upstream.lookup(key.name(), key.family());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(CacheEntry.failed(e));
        }
        CompletableFuture<CacheEntry> entry = new CompletableFuture<>();
        result.onComplete(done -> entry.complete(done.succeeded()
                ? CacheEntry.of(done.result(), ticker.read() + ttlPolicy.lifetime(done.result()).toNanos())
                : CacheEntry.failed(done.cause())));
        return entry;
    }

    private record Key(String name, AddressFamily family) {
    }

    /**
     * Expires each entry at the moment it carries, failures at once; Caffeine calls it once the entry's future has
     * completed (an entry in flight does not expire).
     */
    private static final class EntryExpiry implements Expiry<Key, CacheEntry> {

        @Override
        public long expireAfterCreate(Key key, CacheEntry entry, long currentTime) {
            return entry.remainingNanos(currentTime);
        }

        @Override
        public long expireAfterUpdate(Key key, CacheEntry entry, long currentTime, long currentDuration) {
            return entry.remainingNanos(currentTime);
        }

        @Override
        public long expireAfterRead(Key key, CacheEntry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
