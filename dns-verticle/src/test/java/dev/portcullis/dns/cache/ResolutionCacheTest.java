package dev.portcullis.dns.cache;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.dns.lookup.Lookup;
import dev.portcullis.dns.lookup.LookupResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache on a clock the test moves, in front of a lookup the test answers by hand. */
class ResolutionCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Promise<LookupResult>> queries = new ArrayList<>();
    private final Lookup upstream = (name, family) -> {
        Promise<LookupResult> query = Promise.promise();
        queries.add(query);
        return query.future();
    };
    private final ResolutionCache cache = new ResolutionCache(upstream,
            new TtlPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30)), 100, nanos::get);

    @Test
    void lookupsWhileAQueryIsInFlightShareIt() {
        Future<Answer> first = cache.lookup("api.test", AddressFamily.ANY);
        Future<Answer> second = cache.lookup("api.test", AddressFamily.ANY);

        queries.get(0).complete(found(60));

        assertThat(queries).hasSize(1);
        assertThat(first.result().source()).isEqualTo(ResolutionSource.RESOLVER);
        assertThat(second.result().source()).isEqualTo(ResolutionSource.RESOLVER);
    }

    @Test
    void familiesAreCachedApart() {
        cache.lookup("api.test", AddressFamily.IPV4);
        cache.lookup("api.test", AddressFamily.IPV6);

        assertThat(queries).hasSize(2);
    }

    @Test
    void cachedAnswerCarriesTheRemainingTtl() {
        cache.lookup("api.test", AddressFamily.ANY);
        queries.get(0).complete(found(60));

        advance(Duration.ofSeconds(20));
        Answer answer = cache.lookup("api.test", AddressFamily.ANY).result();

        assertThat(answer.source()).isEqualTo(ResolutionSource.CACHE);
        assertThat(answer.ttlMs()).isEqualTo(40_000L);
        assertThat(queries).hasSize(1);
    }

    @Test
    void answerExpiresAtItsClampedTtl() {
        cache.lookup("api.test", AddressFamily.ANY);
        queries.get(0).complete(found(1));

        advance(Duration.ofMillis(4_999));
        assertThat(cache.lookup("api.test", AddressFamily.ANY).result().source()).isEqualTo(ResolutionSource.CACHE);
        advance(Duration.ofMillis(1));
        cache.lookup("api.test", AddressFamily.ANY);

        assertThat(queries).as("asked again at min-ttl, not at the record's 1 s").hasSize(2);
    }

    @Test
    void negativeAnswerIsKeptForNegativeTtl() {
        cache.lookup("gone.test", AddressFamily.ANY);
        queries.get(0).complete(new LookupResult.NotFound(LookupResult.Reason.NXDOMAIN, "gone.test does not exist"));

        advance(Duration.ofSeconds(29));
        Answer cached = cache.lookup("gone.test", AddressFamily.ANY).result();
        advance(Duration.ofSeconds(1));
        cache.lookup("gone.test", AddressFamily.ANY);

        assertThat(cached.result()).isInstanceOf(LookupResult.NotFound.class);
        assertThat(cached.ttlMs()).isEqualTo(1_000L);
        assertThat(queries).hasSize(2);
    }

    @Test
    void failureReachesEveryWaiterAndIsNotKept() {
        Future<Answer> first = cache.lookup("slow.test", AddressFamily.ANY);
        Future<Answer> second = cache.lookup("slow.test", AddressFamily.ANY);

        queries.get(0).fail(new GatewayException(ErrorCode.TIMEOUT, "no answer"));
        Future<Answer> third = cache.lookup("slow.test", AddressFamily.ANY);

        assertThat(first.cause()).isInstanceOf(GatewayException.class);
        assertThat(second.cause()).isSameAs(first.cause());
        assertThat(third.isComplete()).isFalse();
        assertThat(queries).hasSize(2);
    }

    @Test
    void cacheHoldsAtMostItsMaximumSize() {
        ResolutionCache small = new ResolutionCache(upstream,
                new TtlPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(30)), 2, nanos::get);
        for (int i = 0; i < 10; i++) {
            small.lookup("host" + i + ".test", AddressFamily.ANY);
            queries.get(i).complete(found(60));
        }

        assertThat(small.size()).isLessThanOrEqualTo(2);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(TimeUnit.NANOSECONDS.convert(duration));
    }

    private static LookupResult found(long ttlSeconds) {
        try {
            return new LookupResult.Found(List.of(InetAddress.getByName("192.0.2.1")), Duration.ofSeconds(ttlSeconds));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
