package dev.portcullis.dns;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.dns.testing.DnsRole;
import dev.portcullis.dns.testing.TestDnsServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Resolutions that succeed, asked over the event bus with {@link ResolveClient} as the proxy role asks them. */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class ResolveThroughBusTest {

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
    void resolvesIpv4AddressesBeforeIpv6Ones(Vertx vertx) {
        dns.aaaa("api.test", 60, "2001:db8::10").a("api.test", 60, "192.0.2.10", "192.0.2.11");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("api.test", AddressFamily.ANY)).await();

        assertThat(resolution.addresses()).containsExactly("192.0.2.10", "192.0.2.11", "2001:db8:0:0:0:0:0:10");
        assertThat(resolution.source()).isEqualTo(ResolutionSource.RESOLVER);
        assertThat(dns.queries("api.test")).as("one A and one AAAA query").isEqualTo(2);
    }

    @Test
    void familyIpv4AsksOnlyForARecords(Vertx vertx) {
        dns.a("api.test", 60, "192.0.2.10").aaaa("api.test", 60, "2001:db8::10");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("api.test", AddressFamily.IPV4)).await();

        assertThat(resolution.addresses()).containsExactly("192.0.2.10");
        assertThat(dns.queries("api.test")).isEqualTo(1);
    }

    @Test
    void familyIpv6AsksOnlyForAaaaRecords(Vertx vertx) {
        dns.a("api.test", 60, "192.0.2.10").aaaa("api.test", 60, "2001:db8::10");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("api.test", AddressFamily.IPV6)).await();

        assertThat(resolution.addresses()).containsExactly("2001:db8:0:0:0:0:0:10");
        assertThat(dns.queries("api.test")).isEqualTo(1);
    }

    @Test
    void nameWithOnlyIpv4AddressesResolvesForFamilyAny(Vertx vertx) {
        dns.a("v4only.test", 60, "192.0.2.20");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("v4only.test", AddressFamily.ANY)).await();

        assertThat(resolution.addresses()).containsExactly("192.0.2.20");
    }

    @Test
    void aliasIsFollowedToItsCanonicalNameAndTheSmallestTtlCounts(Vertx vertx) {
        dns.cname("www.test", 30, "edge.test").a("edge.test", 120, "192.0.2.7");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("www.test", AddressFamily.IPV4)).await();

        assertThat(resolution.addresses()).containsExactly("192.0.2.7");
        assertThat(resolution.ttlMs()).isBetween(25_000L, 30_000L);
    }

    @Test
    void aliasTheServerLeftUnfinishedIsAskedForSeparately(Vertx vertx) {
        dns.followAliases(false).cname("www.test", 300, "edge.test").a("edge.test", 60, "192.0.2.8");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        Resolution resolution = client.resolve(new ResolveRequest("www.test", AddressFamily.IPV4)).await();

        assertThat(resolution.addresses()).containsExactly("192.0.2.8");
        assertThat(resolution.ttlMs()).isBetween(55_000L, 60_000L);
        assertThat(dns.queries("www.test")).isEqualTo(1);
        assertThat(dns.queries("edge.test")).isEqualTo(1);
    }

    @Test
    void withoutConfiguredServersTheSystemResolversAreUsed(Vertx vertx) {
        DnsRole.deploy(vertx, new JsonObject());

        Message<JsonObject> info = vertx.eventBus().<JsonObject>request(Addresses.DNS_INFO, new JsonObject()).await();

        assertThat(info.body().getJsonArray("servers")).isNotEmpty();
        assertThat(info.body().getLong("cacheSize")).isZero();
    }

    @Test
    void serverThatStaysSilentIsSkippedForTheNextOne(Vertx vertx) {
        try (TestDnsServer backup = TestDnsServer.start()) {
            dns.silent("api.test");
            backup.a("api.test", 60, "192.0.2.30");
            DnsRole.deploy(vertx, DnsRole.config(dns, backup));

            Resolution resolution = client.resolve(new ResolveRequest("api.test", AddressFamily.IPV4)).await();

            assertThat(resolution.addresses()).containsExactly("192.0.2.30");
            assertThat(dns.queries("api.test")).isEqualTo(1);
            assertThat(backup.queries("api.test")).isEqualTo(1);
        }
    }

    @Test
    void staticOverrideWinsAndNeverReachesTheServer(Vertx vertx) {
        dns.a("db.test", 60, "192.0.2.99");
        JsonObject config = DnsRole.config(dns).put("static-ttl", "42s")
                .put("static", new JsonObject().put("DB.Test.", new JsonArray().add("fd00::5").add("10.1.2.3")));
        DnsRole.deploy(vertx, config);

        Resolution resolution = client.resolve(new ResolveRequest("db.test", AddressFamily.ANY)).await();

        assertThat(resolution.addresses()).containsExactly("10.1.2.3", "fd00:0:0:0:0:0:0:5");
        assertThat(resolution.source()).isEqualTo(ResolutionSource.STATIC);
        assertThat(resolution.ttlMs()).isEqualTo(42_000L);
        assertThat(dns.queries()).isZero();
    }

    @Test
    void infoNamesTheServersAndCountsCacheAndStaticNames(Vertx vertx) {
        dns.a("api.test", 60, "192.0.2.10");
        DnsRole.deploy(vertx, DnsRole.config(dns)
                .put("static", new JsonObject().put("db.test", new JsonArray().add("10.1.2.3"))));
        client.resolve(new ResolveRequest("api.test", AddressFamily.IPV4)).await();

        Message<JsonObject> info = vertx.eventBus().<JsonObject>request(Addresses.DNS_INFO, new JsonObject()).await();

        assertThat(info.body().getJsonArray("servers")).containsExactly(dns.hostPort());
        assertThat(info.body().getLong("cacheSize")).isEqualTo(1L);
        assertThat(info.body().getInteger("staticNames")).isEqualTo(1);
    }
}
