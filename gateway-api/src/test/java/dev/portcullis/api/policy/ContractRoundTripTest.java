package dev.portcullis.api.policy;

import dev.portcullis.api.dns.AddressFamily;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.dns.ResolveRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    void resolutionContractsSurviveTheWire() {
        ResolveRequest request = new ResolveRequest("example.com", AddressFamily.IPV6);
        assertThat(ResolveRequest.fromJson(request.toJson())).isEqualTo(request);
        Resolution resolution = new Resolution(List.of("192.0.2.1", "2001:db8::1"), 30_000, ResolutionSource.CACHE);
        assertThat(Resolution.fromJson(new JsonObject(resolution.toJson().encode()))).isEqualTo(resolution);
        assertThatThrownBy(() -> ResolveRequest.fromJson(new JsonObject().put("name", "192.0.2.1")))
                .hasMessageContaining("IP literal");
    }

    @Test
    void policyChangedSurvivesTheWire() {
        PolicyChanged changed = new PolicyChanged("sha256:abc", 3);
        assertThat(PolicyChanged.fromJson(changed.toJson())).isEqualTo(changed);
    }
}
