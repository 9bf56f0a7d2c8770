package dev.portcullis.policy.match;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Services;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.Fixtures;
import dev.portcullis.policy.parse.PolicyVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy's {@code services:} as the policy role answers them on the bus. */
class ServicesTest {

    private static final CompiledPolicy POLICY = Fixtures.compiled("services.yaml");
    private static final String VERSION = PolicyVersion.of(Fixtures.bytes("services.yaml"));

    @Test
    void aTerminatingServiceCarriesEveryKeyItWasGiven() {
        Service shop = service("shop");

        assertThat(shop.hosts()).as("normalised like rule hosts: case, trailing dot, IDN")
                .containsExactly("shop.example.com", "*.shop.example.com", "xn--bcher-kva.example");
        assertThat(shop.mode()).isEqualTo(Service.Mode.TERMINATE);
        assertThat(shop.tls()).isEqualTo(new Service.Tls("/etc/portcullis/shop.crt", "/etc/portcullis/shop.key",
                null, null));
        assertThat(shop.backends()).containsExactly(new Service.Backend("10.0.0.5", 8080),
                new Service.Backend("app.internal", 8080), new Service.Backend("fd00::5", 8080));
        assertThat(shop.backends().get(2).label()).isEqualTo("[fd00::5]:8080");
        assertThat(shop.backendTls()).isEqualTo(new Service.BackendTls("/etc/portcullis/backend-ca.pem",
                "app.internal"));
        assertThat(shop.balance()).isEqualTo(Service.Balance.LEAST_REQUESTS);
        assertThat(shop.health()).isEqualTo(new Service.HealthCheck("/healthz", 10_000, 500, 3, 1));
        assertThat(shop.forwarded()).isEqualTo(Service.Forwarded.RFC7239);
    }

    @Test
    void aServiceIsAdmittedUnderItsOwnRuleWithThePolicysGuardAndItsExemption() {
        Decision decision = service("shop").decision();

        assertThat(decision).isEqualTo(new Decision(Verdict.ALLOW, Inspection.DECRYPT, NonTlsAction.DENY,
                // The policy's decision-cache-ttl (5 s by default): how long a proxy reuses an http answer.
                "service:shop", VERSION, DecisionReason.RULE, 5_000, List.of("127.0.0.0/8", "10.0.0.0/8"),
                List.of("10.0.0.0/24"), true, List.of("x-canary", "x-team")));
    }

    @Test
    void keysLeftOutTakeTheirDefaults() {
        Service vault = service("vault");

        assertThat(vault.tls()).isEqualTo(new Service.Tls(null, null, "/etc/portcullis/vault.p12",
                "/etc/portcullis/vault.pass"));
        assertThat(vault.backendTls()).as("{} = the JDK trust store, each backend's own name")
                .isEqualTo(new Service.BackendTls(null, null));
        assertThat(vault.balance()).isEqualTo(Service.Balance.ROUND_ROBIN);
        assertThat(vault.health()).isEqualTo(new Service.HealthCheck(null, 5000, 2000, 2, 2));
        assertThat(vault.forwarded()).isEqualTo(Service.Forwarded.NONE);
        assertThat(vault.decision().guardAllow()).isEmpty();
        assertThat(vault.decision().httpHeaders()).isEmpty();
    }

    @Test
    void aPassthroughServiceIsSplicedAndCheckedByTcpConnect() {
        Service git = service("git");

        assertThat(git.mode()).isEqualTo(Service.Mode.PASSTHROUGH);
        assertThat(git.tls()).isNull();
        assertThat(git.backendTls()).isNull();
        assertThat(git.health()).as("no path: a TCP connect check")
                .isEqualTo(new Service.HealthCheck(null, 3000, 2000, 2, 2));
        assertThat(git.forwarded()).isEqualTo(Service.Forwarded.X_FORWARDED);
        assertThat(git.decision().inspection()).isEqualTo(Inspection.SPLICE);
        assertThat(git.decision().rule()).isEqualTo("service:git");
    }

    @Test
    void theServicesSurviveTheWire() {
        Services services = POLICY.services();

        assertThat(services.policyVersion()).isEqualTo(VERSION);
        assertThat(services.services()).extracting(Service::name).containsExactly("shop", "vault", "git");
        assertThat(Services.fromJson(new JsonObject(services.toJson().encode()))).isEqualTo(services);
    }

    @Test
    void theProxyFindsAServiceByTheNameAsked() {
        Services services = POLICY.services();

        assertThat(services.forHost("shop.example.com")).map(Service::name).contains("shop");
        assertThat(services.forHost("eu.shop.example.com")).map(Service::name).contains("shop");
        assertThat(services.forHost("example.com")).isEmpty();
    }

    @Test
    void aPolicyWithoutServicesAnswersAnEmptyList() {
        CompiledPolicy policy = Fixtures.compiled("minimal.yaml");

        assertThat(policy.services().services()).isEmpty();
        assertThat(policy.services().policyVersion()).isEqualTo(policy.version());
    }

    @Test
    void aRulesDecisionListsTheHeadersItsEntriesName() {
        Decision partner = POLICY.decide(new DecideRequest("api.partner.test", 443, "192.0.2.1", "explicit",
                Mode.EXPLICIT, Protocol.TLS, null));

        assertThat(partner.rule()).isEqualTo("partner-api");
        assertThat(partner.httpHeaders()).as("sorted, distinct, lower case").containsExactly("x-team", "x-trace");
        assertThat(Decision.fromJson(partner.toJson()).httpHeaders()).containsExactly("x-team", "x-trace");
    }

    private static Service service(String name) {
        return POLICY.services().services().stream().filter(service -> service.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
