package dev.portcullis.api.policy;

import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.RecentNames;
import dev.portcullis.api.dns.RecentNamesRequest;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.dns.ResolveRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractRoundTripTest {

    @Test
    void decideRequestSurvivesTheWire() {
        DecideRequest request = new DecideRequest("example.com", 443, "10.1.2.3", "explicit", Mode.TRANSPARENT,
                Protocol.TLS, "example.com");
        assertThat(DecideRequest.fromJson(new JsonObject(request.toJson().encode()))).isEqualTo(request);
    }

    @Test
    void decideRequestFromOutsideIsNormalised() {
        JsonObject json = new JsonObject().put("host", "EXAMPLE.com.").put("port", 443).put("client", "10.0.0.1")
                .put("listener", "admin").put("mode", "explicit").put("protocol", "tcp");
        assertThat(DecideRequest.fromJson(json).host()).isEqualTo("example.com");
    }

    @Test
    void malformedDecideRequestsNameTheField() {
        JsonObject good = new DecideRequest("a.example", 1, "c", "l", Mode.EXPLICIT, Protocol.TCP, null).toJson();
        assertThatThrownBy(() -> DecideRequest.fromJson(good.copy().put("port", 0))).hasMessageContaining("port");
        assertThatThrownBy(() -> DecideRequest.fromJson(good.copy().put("port", "443"))).hasMessageContaining("port");
        assertThatThrownBy(() -> DecideRequest.fromJson(good.copy().put("mode", "sideways")))
                .hasMessageContaining("mode must be one of");
        assertThatThrownBy(() -> DecideRequest.fromJson(good.copy().put("host", "a..b")))
                .hasMessageContaining("invalid host");
        assertThatThrownBy(() -> DecideRequest.fromJson(good.copy().put("client", 7)))
                .hasMessageContaining("client must be a string");
    }

    @Test
    void decisionSurvivesTheWire() {
        Decision decision = new Decision(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.SPLICE, "partner-api",
                "sha256:0123456789ab", DecisionReason.RULE, 5000, List.of("127.0.0.0/8"), List.of("127.0.0.1/32"));
        assertThat(Decision.fromJson(new JsonObject(decision.toJson().encode()))).isEqualTo(decision);
    }

    @Test
    void echAndTheSniCheckOptOutSurviveTheWire() {
        DecideRequest request = new DecideRequest("public.example", 443, "10.1.2.3", "transparent", Mode.TRANSPARENT,
                Protocol.TLS, "public.example", true);
        assertThat(DecideRequest.fromJson(new JsonObject(request.toJson().encode()))).isEqualTo(request);
        Decision decision = new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.DENY, "vpn",
                "sha256:0123456789ab", DecisionReason.RULE, 0, List.of(), List.of(), false);
        assertThat(Decision.fromJson(new JsonObject(decision.toJson().encode())).sniCheck()).isFalse();
    }

    @Test
    void messagesFromBeforeEchAndSniCheckStillRead() {
        JsonObject oldRequest = new JsonObject().put("host", "a.example").put("port", 443).put("client", "10.0.0.1")
                .put("listener", "explicit").put("mode", "explicit").put("protocol", "tcp");
        assertThat(DecideRequest.fromJson(oldRequest).ech()).isFalse();
        JsonObject oldDecision = new JsonObject().put("verdict", "allow").put("inspection", "splice")
                .put("rule", "r").put("policyVersion", "sha256:1").put("reason", "rule");
        assertThat(Decision.fromJson(oldDecision).sniCheck()).as("the check stays on unless a rule opts out").isTrue();
    }

    @Test
    void onlyTransparentTlsWithoutSniLacksSni() {
        assertThat(new DecideRequest("192.0.2.7", 443, "c", "t", Mode.TRANSPARENT, Protocol.TLS, null).lacksSni())
                .isTrue();
        assertThat(new DecideRequest("a.example", 443, "c", "e", Mode.EXPLICIT, Protocol.TCP, null).lacksSni())
                .isFalse();
        assertThat(new DecideRequest("a.example", 80, "c", "t", Mode.TRANSPARENT, Protocol.HTTP, null).lacksSni())
                .isFalse();
    }

    @Test
    void resolutionContractsSurviveTheWire() {
        ResolveRequest request = new ResolveRequest("example.com", AddressFamily.IPV6);
        assertThat(ResolveRequest.fromJson(request.toJson())).isEqualTo(request);
        Resolution resolution = new Resolution(List.of("192.0.2.1", "2001:db8::1"), 30_000, ResolutionSource.CACHE);
        assertThat(Resolution.fromJson(new JsonObject(resolution.toJson().encode()))).isEqualTo(resolution);
        assertThatThrownBy(() -> ResolveRequest.fromJson(new JsonObject().put("name", "192.0.2.1")))
                .hasMessageContaining("IP literal");
    }

    @Test
    void recentNamesContractsSurviveTheWire() {
        RecentNamesRequest request = new RecentNamesRequest("10.1.2.3", "192.0.2.9");
        assertThat(RecentNamesRequest.fromJson(request.toJson())).isEqualTo(request);
        RecentNames names = new RecentNames(List.of("git.example", "ssh.example"));
        assertThat(RecentNames.fromJson(new JsonObject(names.toJson().encode()))).isEqualTo(names);
        assertThatThrownBy(() -> RecentNamesRequest.fromJson(new JsonObject().put("client", "10.1.2.3")))
                .hasMessageContaining("address");
    }

    @Test
    void policyChangedSurvivesTheWire() {
        PolicyChanged changed = new PolicyChanged("sha256:abc", 3);
        assertThat(PolicyChanged.fromJson(changed.toJson())).isEqualTo(changed);
    }

    @Test
    void httpDecideRequestWithClientAndHeadersSurvivesTheWire() {
        HttpDecideRequest request = new HttpDecideRequest("shop.example", "GET", "/api/a", "service:shop",
                "203.0.113.7", Map.of("x-team", List.of("ops", "dev")));
        assertThat(HttpDecideRequest.fromJson(new JsonObject(request.toJson().encode()))).isEqualTo(request);
        HttpDecideRequest bare = new HttpDecideRequest("a.example", "GET", "/", "r");
        assertThat(HttpDecideRequest.fromJson(new JsonObject(bare.toJson().encode()))).isEqualTo(bare);
    }

    @Test
    void servicesSurviveTheWire() {
        Decision decision = new Decision(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.DENY, "service:shop",
                "sha256:0123456789ab", DecisionReason.RULE, 0, List.of("10.0.0.0/8"), List.of("10.0.0.0/24"), true,
                List.of("x-team"));
        Service shop = new Service("shop", List.of("shop.example", "*.shop.example"), Service.Mode.TERMINATE,
                new Service.Tls("/etc/p/shop.crt", "/etc/p/shop.key", null, null),
                List.of(new Service.Backend("10.0.0.5", 8080), new Service.Backend("fd00::5", 8080)),
                new Service.BackendTls("/etc/p/ca.pem", null), Service.Balance.LEAST_REQUESTS,
                new Service.HealthCheck("/healthz", 5000, 2000, 2, 2), Service.Forwarded.RFC7239, decision);
        Service git = new Service("git", List.of("git.example"), Service.Mode.PASSTHROUGH, null,
                List.of(new Service.Backend("git.internal", 443)), null, Service.Balance.ROUND_ROBIN,
                new Service.HealthCheck(null, 5000, 2000, 2, 2), Service.Forwarded.X_FORWARDED,
                new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.DENY, "service:git", "sha256:0123456789ab",
                        DecisionReason.RULE, 0, List.of(), List.of()));
        Services services = new Services("sha256:0123456789ab", List.of(shop, git));

        assertThat(Services.fromJson(new JsonObject(services.toJson().encode()))).isEqualTo(services);
        assertThat(services.forHost("eu.shop.example")).contains(shop);
        assertThat(services.forHost("shop.example.org")).isEmpty();
    }
}
