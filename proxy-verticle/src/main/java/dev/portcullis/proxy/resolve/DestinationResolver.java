package dev.portcullis.proxy.resolve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.host.HostName;
import dev.portcullis.proxy.metrics.StageTimers;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;

/**
 * Addresses to try for a destination: an IP literal as it is, a name through the dns role. Answers are kept
 * for the TTL the dns role gave them (bounded), which saves a bus round trip per connection without ever using
 * an address the gateway's own DNS did not give.
 *
 * <p>With {@code proxy.dns-serve-stale} above zero an answer is kept that much longer, and used past its TTL
 * only when asking again got no answer at all (RFC 8767 §4): the dns role is gone or its resolvers did not
 * answer in time. A fresh answer is always asked for first, and an answer from a live dns role (NXDOMAIN,
 * SERVFAIL) is never masked.
 */
public final class DestinationResolver {

    private final ResolveClient dns;
    private final Duration serveStale;
    private final Ticker ticker;
    private final Cache<String, Kept> nearCache;
    private final StaleServes staleServes;

    /** @param serveStale how long past its TTL an answer may stand in for none; zero turns that off */
    public DestinationResolver(ResolveClient dns, int cacheSize, Duration serveStale) {
        this(dns, cacheSize, serveStale, Ticker.systemTicker());
    }

    /** @param ticker the clock of TTLs and of the stale window (tests move it) */
    DestinationResolver(ResolveClient dns, int cacheSize, Duration serveStale, Ticker ticker) {
        this.dns = dns;
        this.serveStale = serveStale;
        this.ticker = ticker;
        // Bounded twice, as RFC 8767 §5 asks: by the cache size and by TTL + the stale window.
        this.nearCache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(Expiry.<String, Kept>creating(
                        (name, kept) -> Duration.ofMillis(kept.answer().ttlMs()).plus(serveStale)))
                .ticker(ticker)
                .build();
        this.staleServes = new StaleServes(serveStale, ticker);
    }

    /**
     * @return the addresses in the order to try them; a failed future with a
     * {@link dev.portcullis.api.bus.GatewayException} (NXDOMAIN, TIMEOUT, SERVFAIL, DNS_UNAVAILABLE) otherwise
     */
    public Future<Resolved> resolve(HostName host) {
        if (host.isIp()) {
            return Future.succeededFuture(Resolved.fresh(List.of(host.value())));
        }
        String name = host.value();
        Kept kept = nearCache.getIfPresent(name);
        long now = ticker.read();
        if (kept != null && now < kept.freshUntilNanos()) {
            return StageTimers.dnsResolution(true, Future.succeededFuture(Resolved.fresh(kept.answer().addresses())));
        }
        return StageTimers.dnsResolution(false, ask(name));
    }

    /** Asks the dns role, falling back on a stale answer when none comes (the class comment). */
    private Future<Resolved> ask(String name) {
        return dns.resolve(new ResolveRequest(name, AddressFamily.ANY)).map(answer -> {
            if (answer.ttlMs() > 0 || !serveStale.isZero()) {
                nearCache.put(name, new Kept(answer, ticker.read() + Duration.ofMillis(answer.ttlMs()).toNanos()));
            }
            return Resolved.fresh(answer.addresses());
        }).recover(failure -> {
            // Read again: the window may have ended while we asked, or another connection got a fresh answer.
            Kept stale = nearCache.getIfPresent(name);
            if (stale == null) {
                return Future.failedFuture(failure);
            }
            long pastTtlNanos = ticker.read() - stale.freshUntilNanos();
            if (pastTtlNanos < 0) {
                return Future.succeededFuture(Resolved.fresh(stale.answer().addresses()));
            }
            if (!noAnswer(failure)) {
                // The dns role answered that the old addresses are no longer good (RFC 8767 §5: a refresh that
                // gets an answer replaces the stale data); they must not come back in a later outage.
                nearCache.asMap().remove(name, stale);
                return Future.failedFuture(failure);
            }
            staleServes.served(name, stale.answer().addresses(), Duration.ofNanos(pastTtlNanos), failure);
            return Future.succeededFuture(new Resolved(stale.answer().addresses(), true));
        });
    }

    /**
     * RFC 8767 serves stale when a refresh gets no answer: no dns role answered (none in the cluster, or none in
     * {@code proxy.dns-timeout}), or its resolvers did not answer in time. NXDOMAIN is an answer that the name is
     * gone; SERVFAIL also stands for "no usable address" and CNAME loops; neither is masked.
     */
    private static boolean noAnswer(Throwable failure) {
        return failure instanceof GatewayException gateway
                && (gateway.code() == ErrorCode.DNS_UNAVAILABLE || gateway.code() == ErrorCode.TIMEOUT);
    }

    /** An answer and when its TTL ends on {@link #ticker}'s clock. */
    private record Kept(Resolution answer, long freshUntilNanos) {
    }
}
