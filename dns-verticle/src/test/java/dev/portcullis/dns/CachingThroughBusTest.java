package dev.portcullis.dns;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.dns.testing.DnsRole;
import dev.portcullis.dns.testing.TestDnsServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache as callers see it: what reaches the DNS server, and the ttlMs and source of the replies. */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class CachingThroughBusTest {

    private static final ResolveRequest API_V4 = new ResolveRequest("api.test", AddressFamily.IPV4);

    private TestDnsServer dns;
    private ResolveClient client;

    @BeforeEach
    void startDns(Vertx vertx) {
        dns = TestDnsServer.start();
        client = new ResolveClient(vertx, Duration.ofSeconds(3));
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    @Test
    void secondLookupIsServedFromTheCache(Vertx vertx) {
        dns.a("api.test", 60, "192.0.2.10");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution first = client.resolve(API_V4).await();
        Resolution second = client.resolve(API_V4).await();

        assertThat(first.source()).isEqualTo(ResolutionSource.RESOLVER);
        assertThat(second.source()).isEqualTo(ResolutionSource.CACHE);
        assertThat(second.addresses()).isEqualTo(first.addresses());
        assertThat(second.ttlMs()).isBetween(1L, first.ttlMs());
        assertThat(dns.queries("api.test")).isEqualTo(1);
    }

    @Test
    void ttlBelowMinTtlIsRaisedToIt(Vertx vertx) {
        dns.a("api.test", 1, "192.0.2.10");
        DnsRole.deploy(vertx, DnsRole.config(dns).put("min-ttl", "20s"));

        Resolution resolution = client.resolve(API_V4).await();

        assertThat(resolution.ttlMs()).isBetween(19_000L, 20_000L);
    }

    @Test
    void ttlAboveMaxTtlIsLoweredToIt(Vertx vertx) {
        dns.a("api.test", 86_400, "192.0.2.10");
        DnsRole.deploy(vertx, DnsRole.config(dns).put("max-ttl", "10s"));

        Resolution resolution = client.resolve(API_V4).await();

        assertThat(resolution.ttlMs()).isBetween(9_000L, 10_000L);
    }

    @Test
    void expiredAnswerIsAskedForAgain(Vertx vertx) {
        dns.a("api.test", 0, "192.0.2.10");
        DnsRole.deploy(vertx, DnsRole.config(dns).put("min-ttl", "500ms"));

        client.resolve(API_V4).await();
        assertThat(client.resolve(API_V4).await().source()).isEqualTo(ResolutionSource.CACHE);
        vertx.timer(700).await();
        Resolution afterExpiry = client.resolve(API_V4).await();

        assertThat(afterExpiry.source()).isEqualTo(ResolutionSource.RESOLVER);
        assertThat(dns.queries("api.test")).isEqualTo(2);
    }

    @Test
    void nxdomainIsCachedForNegativeTtl(Vertx vertx) {
        dns.nxdomain("gone.test");
        DnsRole.deploy(vertx, DnsRole.config(dns).put("negative-ttl", "500ms"));
        ResolveRequest gone = new ResolveRequest("gone.test", AddressFamily.IPV4);

        assertThatThrownBy(() -> client.resolve(gone).await()).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NXDOMAIN));
        assertThatThrownBy(() -> client.resolve(gone).await()).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NXDOMAIN));
        assertThat(dns.queries("gone.test")).as("second lookup answered by the negative cache").isEqualTo(1);

        vertx.timer(700).await();
        assertThatThrownBy(() -> client.resolve(gone).await()).isInstanceOf(GatewayException.class);
        assertThat(dns.queries("gone.test")).as("asked again after negative-ttl").isEqualTo(2);
    }

    @Test
    void servfailIsNotCached(Vertx vertx) {
        dns.servfail("broken.test");
        DnsRole.deploy(vertx, DnsRole.config(dns));
        ResolveRequest broken = new ResolveRequest("broken.test", AddressFamily.IPV4);

        assertThatThrownBy(() -> client.resolve(broken).await()).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> client.resolve(broken).await()).isInstanceOf(GatewayException.class);

        assertThat(dns.queries("broken.test")).isEqualTo(2);
    }

    @Test
    void concurrentLookupsOfOneNameShareOneQuery(Vertx vertx, VertxTestContext test) {
        // The server holds its answer back so that every request arrives while the first query is in flight.
        dns.a("api.test", 60, "192.0.2.10").delay(Duration.ofMillis(500));
        DnsRole.deploy(vertx, DnsRole.config(dns).put("timeout", "2s"));

        List<Future<Resolution>> lookups = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lookups.add(client.resolve(API_V4));
        }

        Future.all(lookups).onComplete(test.succeeding(all -> test.verify(() -> {
            for (Future<Resolution> lookup : lookups) {
                assertThat(lookup.result().addresses()).containsExactly("192.0.2.10");
                assertThat(lookup.result().source()).as("answered by the shared query").isEqualTo(ResolutionSource.RESOLVER);
            }
            assertThat(dns.queries("api.test")).isEqualTo(1);
            test.completeNow();
        })));
    }
}
