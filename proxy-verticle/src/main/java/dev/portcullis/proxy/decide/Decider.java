package dev.portcullis.proxy.decide;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.metrics.StageTimers;
import io.vertx.core.Future;

/**
 * Decides through the policy role, reusing a decision for identical requests while its {@code cacheTtlMs}
 * lasts. {@link #clear()} is called on every {@code policy.changed}, so a new policy is never masked by the
 * cache for longer than the notice takes to arrive; an answer to a question asked before the clear is not cached,
 * since the old version may have given it.
 */
public final class Decider {

    private final PolicyClient policy;
    private final Cache<DecideRequest, Decision> nearCache;
    /** How many times the cache was cleared; read on the event loop that decides and clears. */
    private long clears;

    public Decider(PolicyClient policy, int cacheSize) {
        this.policy = policy;
        this.nearCache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(Expiry.<DecideRequest, Decision>creating(
                        (request, decision) -> java.time.Duration.ofMillis(decision.cacheTtlMs())))
                .build();
    }

    /**
     * @return the decision, or a failed future with a {@link dev.portcullis.api.bus.GatewayException}
     * ({@code POLICY_UNAVAILABLE} when no policy role answered)
     */
    public Future<Decision> decide(DecideRequest request) {
        Decision cached = nearCache.getIfPresent(request);
        if (cached != null) {
            return StageTimers.decision(true, Future.succeededFuture(cached));
        }
        long asked = clears;
        return StageTimers.decision(false, policy.decide(request)).onSuccess(decision -> {
            if (decision.cacheTtlMs() > 0 && asked == clears) {
                nearCache.put(request, decision);
            }
        });
    }

    /** Drops every cached decision. */
    public void clear() {
        clears++;
        nearCache.invalidateAll();
    }
}
