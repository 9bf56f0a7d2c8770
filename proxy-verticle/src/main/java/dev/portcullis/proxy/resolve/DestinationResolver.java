package dev.portcullis.proxy.resolve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.host.HostName;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;

/**
 * Addresses to try for a destination: an IP literal as it is, a name through the dns role. Answers are kept
 * for the TTL the dns role gave them (bounded), which saves a bus round trip per connection without ever using
 * an address the gateway's own DNS did not give.
 */
public final class DestinationResolver {

    private final ResolveClient dns;
    private final Cache<String, Resolution> nearCache;

    public DestinationResolver(ResolveClient dns, int cacheSize) {
        this.dns = dns;
        this.nearCache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfter(Expiry.<String, Resolution>creating((name, answer) -> Duration.ofMillis(answer.ttlMs())))
                .build();
    }

    /**
     * @return addresses in the order to try them; a failed future with a
     * {@link dev.portcullis.api.bus.GatewayException} (NXDOMAIN, TIMEOUT, SERVFAIL, DNS_UNAVAILABLE) otherwise
     */
    public Future<List<String>> resolve(HostName host) {
        if (host.isIp()) {
            return Future.succeededFuture(List.of(host.value()));
        }
        Resolution cached = nearCache.getIfPresent(host.value());
        if (cached != null) {
            return Future.succeededFuture(cached.addresses());
        }
        return dns.resolve(new ResolveRequest(host.value(), AddressFamily.ANY)).map(answer -> {
            if (answer.ttlMs() > 0) {
                nearCache.put(host.value(), answer);
            }
            return answer.addresses();
        });
    }
}
