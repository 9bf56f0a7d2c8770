package dev.portcullis.policy;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.PolicyChanged;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyVersion;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The verticle on a plain (non-clustered) Vert.x: decisions, info, change notices and hot reload over the bus. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class PolicyVerticleTest {

    private static final String RELOAD_HOST = "reload.example";
    /** Short, so reload tests finish quickly; they wait on events, never on this interval. */
    private static final String RELOAD_INTERVAL = "50ms";
    private static final int POLL_MS = 20;

    @TempDir
    Path dir;

    @Test
    void decidesOverTheBus(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));

        deploy(vertx, file)
                .compose(id -> new PolicyClient(vertx).decide(request("api.github.com", 443)))
                .onComplete(test.succeeding(decision -> test.verify(() -> {
                    assertThat(decision.rule()).isEqualTo("source-control");
                    assertThat(decision.verdict()).isEqualTo(Verdict.ALLOW);
                    assertThat(decision.policyVersion()).isEqualTo(PolicyVersion.of(Fixtures.bytes("matching.yaml")));
                    test.completeNow();
                })));
    }

    @Test
    void servesItsServicesOverTheBus(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("services.yaml", dir.resolve("policy.yaml"));

        deploy(vertx, file)
                .compose(id -> new PolicyClient(vertx).services())
                .onComplete(test.succeeding(services -> test.verify(() -> {
                    assertThat(services).isEqualTo(Fixtures.compiled("services.yaml").services());
                    assertThat(services.policyVersion()).isEqualTo(PolicyVersion.of(Fixtures.bytes("services.yaml")));
                    assertThat(services.services()).extracting(Service::name).containsExactly("shop", "vault", "git");
                    test.completeNow();
                })));
    }

    @Test
    void decidesAServicesRequestByClientAndHeadersOverTheBus(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("services.yaml", dir.resolve("policy.yaml"));
        PolicyClient client = new PolicyClient(vertx);

        deploy(vertx, file)
                .compose(id -> Future.all(
                        client.decideHttp(new HttpDecideRequest("shop.example.com", "GET", "/api/a", "service:shop",
                                "203.0.113.7", Map.of("x-team", List.of("ops")))),
                        client.decideHttp(new HttpDecideRequest("shop.example.com", "GET", "/api/a", "service:shop",
                                null, Map.of("x-team", List.of("ops"))))))
                .onComplete(test.succeeding(both -> test.verify(() -> {
                    assertThat(both.<HttpDecision>resultAt(0).verdict()).isEqualTo(Verdict.ALLOW);
                    assertThat(both.<HttpDecision>resultAt(1).verdict()).as("no client, no match")
                            .isEqualTo(Verdict.DENY);
                    test.completeNow();
                })));
    }

    @Test
    void aMalformedRequestGetsBadRequest(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        JsonObject noPort = request("github.com", 443).toJson();
        noPort.remove("port");

        deploy(vertx, file)
                .compose(id -> vertx.eventBus().request(Addresses.POLICY_DECIDE, noPort))
                .onComplete(test.failing(failure -> test.verify(() -> {
                    assertThat(failure).isInstanceOf(ReplyException.class);
                    assertThat(((ReplyException) failure).failureCode())
                            .isEqualTo(ErrorCode.BAD_REQUEST.failureCode());
                    assertThat(failure.getMessage()).contains("port");
                    test.completeNow();
                })));
    }

    @Test
    void aRequestThatIsNotJsonGetsBadRequestAndTheNextOneIsStillAnswered(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        PolicyClient client = new PolicyClient(vertx);

        deploy(vertx, file)
                .compose(id -> vertx.eventBus().request(Addresses.POLICY_DECIDE, "github.com:443"))
                .<Decision>transform(first -> {
                    test.verify(() -> assertThat(((ReplyException) first.cause()).failureCode())
                            .isEqualTo(ErrorCode.BAD_REQUEST.failureCode()));
                    return client.decide(request("github.com", 443));
                })
                .onComplete(test.succeeding(decision -> test.verify(() -> {
                    assertThat(decision.rule()).isEqualTo("source-control");
                    test.completeNow();
                })));
    }

    @Test
    void aClientThatIsNotAnAddressIsRefusedThroughThePolicyClient(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        DecideRequest request = new DecideRequest("github.com", 443, "not-an-ip", "explicit", Mode.EXPLICIT,
                Protocol.TLS, null);

        deploy(vertx, file)
                .compose(id -> new PolicyClient(vertx).decide(request))
                .onComplete(test.failing(failure -> test.verify(() -> {
                    assertThat(failure).isInstanceOf(GatewayException.class);
                    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    test.completeNow();
                })));
    }

    @Test
    void infoReportsTheVersionRulesFileAndLoadTime(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        Instant before = Instant.now();

        deploy(vertx, file)
                .compose(id -> info(vertx))
                .onComplete(test.succeeding(info -> test.verify(() -> {
                    assertThat(info.getString("policyVersion"))
                            .isEqualTo(PolicyVersion.of(Fixtures.bytes("matching.yaml")));
                    assertThat(info.getInteger("rules")).isEqualTo(8);
                    assertThat(info.getString("file")).isEqualTo(file.toString());
                    assertThat(Instant.parse(info.getString("loadedAt"))).isAfterOrEqualTo(before);
                    assertThat(info.containsKey("lastError")).isFalse();
                    test.completeNow();
                })));
    }

    @Test
    void publishesTheFirstVersionWhenItStarts(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        MessageConsumer<JsonObject> changes = vertx.eventBus().consumer(Addresses.POLICY_CHANGED,
                message -> test.verify(() -> {
                    PolicyChanged changed = PolicyChanged.fromJson(message.body());
                    assertThat(changed.policyVersion()).isEqualTo(PolicyVersion.of(Fixtures.bytes("matching.yaml")));
                    assertThat(changed.rules()).isEqualTo(8);
                    test.completeNow();
                }));

        changes.completion().compose(ignored -> deploy(vertx, file)).onFailure(test::failNow);
    }

    @Test
    void aHotReloadFlipsTheDecision(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));
        String after = PolicyVersion.of(Fixtures.bytes("reload-after.yaml"));
        PolicyClient client = new PolicyClient(vertx);

        deploy(vertx, file)
                .compose(id -> client.decide(request(RELOAD_HOST, 443)))
                .compose(before -> {
                    test.verify(() -> assertThat(before.verdict()).isEqualTo(Verdict.DENY));
                    return changeTo(vertx, after, () -> Fixtures.copy("reload-after.yaml", file));
                })
                .compose(changed -> {
                    test.verify(() -> assertThat(changed.rules()).isEqualTo(1));
                    return client.decide(request(RELOAD_HOST, 443));
                })
                .onComplete(test.succeeding(decision -> test.verify(() -> {
                    assertThat(decision.rule()).isEqualTo("after");
                    assertThat(decision.verdict()).isEqualTo(Verdict.ALLOW);
                    assertThat(decision.policyVersion()).isEqualTo(after);
                    test.completeNow();
                })));
    }

    @Test
    void aBrokenFileLeavesTheOldPolicyInForceAndIsReported(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));
        String good = PolicyVersion.of(Fixtures.bytes("reload-before.yaml"));
        String fixed = PolicyVersion.of(Fixtures.bytes("reload-after.yaml"));

        deploy(vertx, file)
                .compose(id -> {
                    Fixtures.copy("invalid/port-out-of-range.yaml", file);
                    return infoWhen(vertx, info -> info.containsKey("lastError"));
                })
                .compose(info -> {
                    test.verify(() -> {
                        assertThat(info.getString("lastError")).isEqualTo(file + ":8: port must be 1-65535, was 70000");
                        assertThat(info.getString("policyVersion")).isEqualTo(good);
                    });
                    return new PolicyClient(vertx).decide(request(RELOAD_HOST, 443));
                })
                .compose(decision -> {
                    test.verify(() -> assertThat(decision.rule()).isEqualTo("before"));
                    return changeTo(vertx, fixed, () -> Fixtures.copy("reload-after.yaml", file));
                })
                .compose(changed -> info(vertx))
                .onComplete(test.succeeding(info -> test.verify(() -> {
                    assertThat(info.getString("policyVersion")).isEqualTo(fixed);
                    assertThat(info.containsKey("lastError")).isFalse();
                    test.completeNow();
                })));
    }

    @Test
    void aDeletedFileLeavesTheOldPolicyInForceAndIsReported(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("reload-before.yaml", dir.resolve("policy.yaml"));

        deploy(vertx, file)
                .compose(id -> {
                    test.verify(() -> Files.delete(file));
                    return infoWhen(vertx, info -> info.containsKey("lastError"));
                })
                .compose(info -> {
                    test.verify(() -> assertThat(info.getString("lastError"))
                            .isEqualTo(file + ": cannot read: file not found"));
                    return new PolicyClient(vertx).decide(request(RELOAD_HOST, 443));
                })
                .onComplete(test.succeeding(decision -> test.verify(() -> {
                    assertThat(decision.rule()).isEqualTo("before");
                    test.completeNow();
                })));
    }

    @Test
    void anInvalidFileFailsTheStartWithItsLine(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("invalid/unknown-rule-key.yaml", dir.resolve("policy.yaml"));

        deploy(vertx, file).onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(failure).isInstanceOf(PolicyException.class);
            assertThat(failure.getMessage()).startsWith(file + ":11: unknown key 'inspecton' in rule 'partner-api'");
            test.completeNow();
        })));
    }

    @Test
    void aConfigurationWithoutAFileFailsTheStart(Vertx vertx, VertxTestContext test) {
        vertx.deployVerticle(new PolicyVerticle(), new DeploymentOptions().setConfig(new JsonObject()))
                .onComplete(test.failing(failure -> test.verify(() -> {
                    assertThat(failure).hasMessage("policy.file is required");
                    test.completeNow();
                })));
    }

    @Test
    void severalInstancesEachLoadTheFileAndAnswer(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));
        DeploymentOptions options = new DeploymentOptions().setInstances(3).setConfig(config(file));
        PolicyClient client = new PolicyClient(vertx);

        vertx.deployVerticle(PolicyVerticle::new, options)
                .compose(id -> Future.all(
                        client.decide(request("github.com", 443)),
                        client.decide(request("github.com", 443)),
                        client.decide(request("github.com", 443))))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(all.<Decision>resultAt(i).rule()).isEqualTo("source-control");
                    }
                    test.completeNow();
                })));
    }

    @Test
    void undeployingStopsAnswering(Vertx vertx, VertxTestContext test) {
        Path file = Fixtures.copy("matching.yaml", dir.resolve("policy.yaml"));

        deploy(vertx, file)
                .compose(vertx::undeploy)
                .compose(ignored -> new PolicyClient(vertx).decide(request("github.com", 443)))
                .onComplete(test.failing(failure -> test.verify(() -> {
                    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.POLICY_UNAVAILABLE);
                    test.completeNow();
                })));
    }

    private static Future<String> deploy(Vertx vertx, Path file) {
        return vertx.deployVerticle(new PolicyVerticle(), new DeploymentOptions().setConfig(config(file)));
    }

    private static JsonObject config(Path file) {
        return new JsonObject().put("file", file.toString()).put("reload-interval", RELOAD_INTERVAL);
    }

    private static DecideRequest request(String host, int port) {
        return new DecideRequest(host, port, "192.0.2.50", "explicit", Mode.EXPLICIT, Protocol.TLS, null);
    }

    private static Future<JsonObject> info(Vertx vertx) {
        return vertx.eventBus().<JsonObject>request(Addresses.POLICY_INFO, new JsonObject()).map(reply -> reply.body());
    }

    /**
     * Listens for the change notice of {@code version}, then makes the change.
     *
     * @return the notice, once it arrives
     */
    private static Future<PolicyChanged> changeTo(Vertx vertx, String version, Runnable change) {
        Promise<PolicyChanged> arrived = Promise.promise();
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.POLICY_CHANGED, message -> {
            PolicyChanged changed = PolicyChanged.fromJson(message.body());
            if (changed.policyVersion().equals(version)) {
                arrived.tryComplete(changed);
            }
        });
        return consumer.completion()
                .onSuccess(ignored -> change.run())
                .compose(ignored -> arrived.future())
                .eventually(consumer::unregister);
    }

    /**
     * Asks POLICY_INFO every few milliseconds until it satisfies {@code condition}: a refused or missing file
     * publishes nothing, so the info reply is the event to wait for.
     */
    private static Future<JsonObject> infoWhen(Vertx vertx, Predicate<JsonObject> condition) {
        Promise<JsonObject> found = Promise.promise();
        long timer = vertx.setPeriodic(POLL_MS, id -> info(vertx).onSuccess(info -> {
            if (condition.test(info)) {
                found.tryComplete(info);
            }
        }));
        return found.future().eventually(() -> {
            vertx.cancelTimer(timer);
            return Future.succeededFuture();
        });
    }
}
