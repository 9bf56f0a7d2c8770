package dev.portcullis.dns;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.dns.testing.DnsRole;
import dev.portcullis.dns.testing.TestDnsServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failures as callers see them: the error code and a message that says what went wrong. */
@ExtendWith(VertxExtension.class)
@Timeout(10)
class FailuresThroughBusTest {

    private TestDnsServer dns;
    private ResolveClient client;

    @BeforeEach
    void startDns(Vertx vertx) {
        dns = TestDnsServer.start();
        // Shorter than it would be in production, yet well above the role's 500 ms query timeout: a TIMEOUT reply
        // proves the role answered in time rather than the client giving up (which would say DNS_UNAVAILABLE).
        client = new ResolveClient(vertx, Duration.ofSeconds(2));
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    @Test
    void nameThatDoesNotExistFailsWithNxdomain(Vertx vertx) {
        dns.nxdomain("gone.test");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        GatewayException failure = failure(new ResolveRequest("gone.test", AddressFamily.ANY));

        assertThat(failure.code()).isEqualTo(ErrorCode.NXDOMAIN);
        assertThat(failure.getMessage()).contains("gone.test does not exist");
    }

    @Test
    void nameWithoutAddressesOfTheFamilyFailsWithNxdomainSayingSo(Vertx vertx) {
        dns.a("v4only.test", 60, "192.0.2.20");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        GatewayException failure = failure(new ResolveRequest("v4only.test", AddressFamily.IPV6));

        assertThat(failure.code()).isEqualTo(ErrorCode.NXDOMAIN);
        assertThat(failure.getMessage()).contains("v4only.test exists but has no AAAA record");
    }

    @Test
    void aliasToANameThatDoesNotExistFailsWithNxdomainNamingBoth(Vertx vertx) {
        dns.followAliases(false).cname("www.test", 60, "gone.test").nxdomain("gone.test");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        GatewayException failure = failure(new ResolveRequest("www.test", AddressFamily.IPV4));

        assertThat(failure.code()).isEqualTo(ErrorCode.NXDOMAIN);
        assertThat(failure.getMessage()).contains("gone.test (the canonical name of www.test) does not exist");
    }

    @Test
    void silentServerFailsWithTimeoutWithinTheConfiguredTimeout(Vertx vertx) {
        dns.silent("slow.test");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        GatewayException failure = failure(new ResolveRequest("slow.test", AddressFamily.ANY));

        assertThat(failure.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(failure.getMessage()).contains("no answer for slow.test", dns.hostPort(), "within 500ms");
    }

    @Test
    void servfailFailsWithServfailNamingTheRcode(Vertx vertx) {
        dns.servfail("broken.test");
        DnsRole.deploy(vertx, DnsRole.config(dns));

        GatewayException failure = failure(new ResolveRequest("broken.test", AddressFamily.IPV4));

        assertThat(failure.code()).isEqualTo(ErrorCode.SERVFAIL);
        assertThat(failure.getMessage()).contains(dns.hostPort(), "answered SERVFAIL (rcode 2)", "broken.test");
    }

    @Test
    void staticNameWithoutAddressOfTheFamilyFailsWithoutAskingTheServer(Vertx vertx) {
        dns.aaaa("db.test", 60, "2001:db8::99");
        DnsRole.deploy(vertx, DnsRole.config(dns)
                .put("static", new JsonObject().put("db.test", new JsonArray().add("10.1.2.3"))));

        GatewayException failure = failure(new ResolveRequest("db.test", AddressFamily.IPV6));

        assertThat(failure.code()).isEqualTo(ErrorCode.NXDOMAIN);
        assertThat(failure.getMessage()).contains("static override with no IPv6 address");
        assertThat(dns.queries()).isZero();
    }

    @Test
    void invalidStaticAddressFailsStartNamingTheKey(Vertx vertx) {
        JsonObject config = DnsRole.config(dns)
                .put("static", new JsonObject().put("db.test", new JsonArray().add("10.1.2.3").add("db2.test")));

        assertThatThrownBy(() -> vertx.deployVerticle(new DnsVerticle(), new DeploymentOptions().setConfig(config))
                .await())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid configuration: dns.static.db.test[1] must be an IP address, was 'db2.test'");
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("a body that is not a JSON object", "api.test", "must be a JSON object"),
                Arguments.of("no name", new JsonObject(), "name is required"),
                Arguments.of("a name that is not a string", new JsonObject().put("name", 42), "name must be a string"),
                Arguments.of("an IP literal instead of a name", new JsonObject().put("name", "192.0.2.1"),
                        "must be a DNS name"),
                Arguments.of("an empty label", new JsonObject().put("name", "api..test"), "invalid host name"),
                Arguments.of("an unknown family", new JsonObject().put("name", "api.test").put("family", "ipv5"),
                        "family must be one of"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestFailsWithBadRequest(String sentence, Object body, String message, Vertx vertx) {
        DnsRole.deploy(vertx, DnsRole.config(dns));

        assertThatThrownBy(() -> vertx.eventBus().request(Addresses.DNS_RESOLVE, body).await())
                .isInstanceOfSatisfying(ReplyException.class, e -> {
                    assertThat(e.failureCode()).isEqualTo(ErrorCode.BAD_REQUEST.failureCode());
                    assertThat(e.getMessage()).contains(message);
                });
        assertThat(dns.queries()).isZero();
    }

    private GatewayException failure(ResolveRequest request) {
        try {
            client.resolve(request).await();
        } catch (GatewayException e) {
            return e;
        }
        throw new AssertionError("expected " + request + " to fail");
    }
}
