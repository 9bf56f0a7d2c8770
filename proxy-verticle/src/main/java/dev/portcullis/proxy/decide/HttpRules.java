package dev.portcullis.proxy.decide;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessRecord;
import io.netty.handler.codec.http.HttpHeaders;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.api.policy.HttpDecision;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides one HTTP request by the {@code http} entries of the rule that allowed its connection, wherever the
 * request was read: a plain request on any listener, or a request inside a decrypted connection (README, "One
 * name, one path"). The one place this question is asked.
 */
public final class HttpRules {

    private final PolicyClient policy;
    /**
     * Answers reused for identical questions while the connection's decision allows ({@code cacheTtlMs}, the
     * policy's {@code decision-cache-ttl}), cleared on every {@code policy.changed} as the {@link Decider}'s are:
     * a kept-alive client repeating its requests costs no bus round trip each.
     */
    private final Cache<HttpDecideRequest, Cached> nearCache;
    /** How many times the cache was cleared: an answer to a question asked before a clear is not kept. */
    private long clears;

    /** An answer and how long it may be reused: the connection decision's ttl, which the question does not hold. */
    private record Cached(HttpDecision answer, long ttlMs) {
    }

    public HttpRules(PolicyClient policy, int cacheSize) {
        this.policy = policy;
        this.nearCache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(Expiry.<HttpDecideRequest, Cached>creating(
                        (question, cached) -> java.time.Duration.ofMillis(cached.ttlMs())))
                .build();
    }

    /** Drops every cached answer: a new policy version decides from now on. */
    public void clear() {
        clears++;
        nearCache.invalidateAll();
    }

    /**
     * @param connection the decision that allowed the connection (or a service's); its rule's entries decide
     * @param path       the normalised path
     * @param client     the client's address, for entries with {@code sources}
     * @param headers    the request's headers: only those the rule's entries name are sent
     * @param record     gets the request's verdict and the policy version that decided it
     * @return completed when allowed; failed with {@link DeniedException} naming the rule and the entry, or with
     * the policy role's {@code GatewayException} (callers fail closed)
     */
    public Future<Void> allow(Decision connection, String host, String method, String path, String client,
                              HttpHeaders headers, AccessRecord record) {
        HttpDecideRequest question = new HttpDecideRequest(host, method, path, connection.rule(), client,
                named(connection.httpHeaders(), headers));
        Cached cached = nearCache.getIfPresent(question);
        long asked = clears;
        Future<HttpDecision> answered = cached != null ? Future.succeededFuture(cached.answer())
                : policy.decideHttp(question).onSuccess(answer -> {
                    if (connection.cacheTtlMs() > 0 && asked == clears) {
                        nearCache.put(question, new Cached(answer, connection.cacheTtlMs()));
                    }
                });
        return answered
                .compose(answer -> {
                    record.put(AccessRecord.VERDICT, Json.wireName(answer.verdict()))
                            .put(AccessRecord.POLICY_VERSION, answer.policyVersion());
                    return answer.allowed() ? Future.<Void>succeededFuture()
                            : Future.failedFuture(new DeniedException(connection, method + " " + path,
                            answer.reason()));
                });
    }

    private static Map<String, List<String>> named(List<String> names, HttpHeaders headers) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> values = new HashMap<>();
        for (String name : names) {
            List<String> all = headers.getAll(name);
            if (!all.isEmpty()) {
                values.put(name, all);
            }
        }
        return values;
    }
}
