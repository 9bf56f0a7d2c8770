package dev.portcullis.proxy.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Latency histograms of the stages of a connection, in Micrometer's global registry (the node exposes it on
 * {@code /metrics}). Each is recorded by its stage's one entry method, so there is one measurement per stage:
 * <ul>
 *   <li>{@code portcullis_policy_decision_seconds{cache}}: {@code Decider.decide}, the bus round trip to the policy
 *       role ({@code cache=miss}) or a near-cache hit ({@code cache=hit});</li>
 *   <li>{@code portcullis_dns_resolution_seconds{cache}}: {@code DestinationResolver.resolve} for names (IP literals
 *       resolve nothing);</li>
 *   <li>{@code portcullis_leaf_issuance_seconds{cache}}: {@code LeafMinter.contextFor}, a key pair and the ca
 *       role's signature on a miss;</li>
 *   <li>{@code portcullis_upstream_connect_seconds{result}}: {@code Dialer.dial}, every address tried;</li>
 *   <li>{@code portcullis_tunnel_duration_seconds{listener}}: each access record's {@code durationMs}.</li>
 * </ul>
 * Each publishes Prometheus {@code _bucket}s for {@code histogram_quantile}, bounded by the values the stage can
 * take (its timeout, or an hour for tunnels), which keeps each series to about 60 buckets.
 */
public final class StageTimers {

    private static final Timer DECISION_HIT = decision("hit");
    private static final Timer DECISION_MISS = decision("miss");
    private static final Timer DNS_HIT = dns("hit");
    private static final Timer DNS_MISS = dns("miss");
    private static final Timer LEAF_HIT = leaf("hit");
    private static final Timer LEAF_MISS = leaf("miss");
    private static final Timer CONNECTED = connect("connected");
    private static final Timer CONNECT_FAILED = connect("failed");
    private static final Map<String, Timer> TUNNELS = new ConcurrentHashMap<>();

    private StageTimers() {
    }

    /** Records how long {@code decided} takes from now; returns it. */
    public static <T> Future<T> decision(boolean cacheHit, Future<T> decided) {
        return timed(cacheHit ? DECISION_HIT : DECISION_MISS, decided);
    }

    public static <T> Future<T> dnsResolution(boolean cacheHit, Future<T> resolved) {
        return timed(cacheHit ? DNS_HIT : DNS_MISS, resolved);
    }

    public static <T> Future<T> leafIssuance(boolean cacheHit, Future<T> issued) {
        return timed(cacheHit ? LEAF_HIT : LEAF_MISS, issued);
    }

    /** Records the time to a connected upstream, or to giving up on every address. */
    public static <T> Future<T> upstreamConnect(Future<T> connected) {
        long start = System.nanoTime();
        return connected.onComplete(done -> (done.succeeded() ? CONNECTED : CONNECT_FAILED)
                .record(Duration.ofNanos(System.nanoTime() - start)));
    }

    /** One finished record's duration on {@code listener} (a name from the configuration: bounded). */
    public static void tunnel(String listener, long durationMs) {
        TUNNELS.computeIfAbsent(listener, name -> histogram(Timer.builder("portcullis.tunnel.duration")
                        .description("How long connections (and requests inside decrypted ones) lasted, from the "
                                + "access records")
                        .tag("listener", name), Duration.ofMillis(1), Duration.ofHours(1)))
                .record(Duration.ofMillis(Math.max(0, durationMs)));
    }

    private static <T> Future<T> timed(Timer timer, Future<T> future) {
        if (future.isComplete()) {
            // A cache hit answered at once: its time is the lookup's, too small to measure apart from zero.
            timer.record(Duration.ZERO);
            return future;
        }
        long start = System.nanoTime();
        return future.onComplete(done -> timer.record(Duration.ofNanos(System.nanoTime() - start)));
    }

    private static Timer decision(String cache) {
        return histogram(Timer.builder("portcullis.policy.decision")
                .description("Policy decisions as the proxy sees them: bus round trip, or near-cache hit")
                .tag("cache", cache), Duration.ofMillis(1), Duration.ofSeconds(5));
    }

    private static Timer dns(String cache) {
        return histogram(Timer.builder("portcullis.dns.resolution")
                .description("Resolutions of destination names through the dns role, or its near-cache")
                .tag("cache", cache), Duration.ofMillis(1), Duration.ofSeconds(10));
    }

    private static Timer leaf(String cache) {
        return histogram(Timer.builder("portcullis.leaf.issuance")
                .description("Server contexts for decrypted connections: the leaf cache, or a new key and the ca "
                        + "role's signature")
                .tag("cache", cache), Duration.ofMillis(1), Duration.ofSeconds(5));
    }

    private static Timer connect(String result) {
        return histogram(Timer.builder("portcullis.upstream.connect")
                .description("Connecting to the upstream, every resolved address tried in turn")
                .tag("result", result), Duration.ofMillis(1), Duration.ofSeconds(30));
    }

    /**
     * Micrometer's percentile histogram, clipped to {@code min}..{@code max}: 1 ms to 5 s is 61 buckets per series
     * (1 ms to 1 h, tunnels: 103) instead of the 276 of the full range; plus the round values operators set
     * objectives on, so "under 100 ms" is exact rather than interpolated.
     */
    private static Timer histogram(Timer.Builder builder, Duration min, Duration max) {
        return builder.publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1))
                .minimumExpectedValue(min)
                .maximumExpectedValue(max)
                .register(Metrics.globalRegistry);
    }
}
