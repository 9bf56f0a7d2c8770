package dev.portcullis.proxy.decide;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The near-cache on a local bus whose policy consumer answers when the test says. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeciderTest {

    private static final DecideRequest QUESTION = new DecideRequest("origin.test", 443, "127.0.0.1", "explicit",
            Mode.EXPLICIT, Protocol.TCP, null);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private static Decision allow(String version) {
        return new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.SPLICE, "r", version,
                DecisionReason.RULE, 60_000, List.of(), List.of());
    }

    /** Runs {@code action} on the event loop, as the proxy does, and waits for its future. */
    private <T> T onLoop(java.util.function.Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(ignored -> action.get().onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerToAQuestionAskedBeforeAClearIsNotCached() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CompletableFuture<Message<JsonObject>> held = new CompletableFuture<>();
        vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_DECIDE, message -> {
            if (asked.incrementAndGet() == 1) {
                held.complete(message);        // the old version's answer, given late
            } else {
                message.reply(allow("sha256:new").toJson());
            }
        }).completion().await();
        Decider decider = new Decider(new PolicyClient(vertx), 100);

        CompletableFuture<Decision> first = new CompletableFuture<>();
        vertx.runOnContext(ignored -> decider.decide(QUESTION).onSuccess(first::complete));
        Message<JsonObject> oldQuestion = held.get(10, TimeUnit.SECONDS);
        onLoop(() -> {
            decider.clear();                   // policy.changed arrives before the old answer
            return Future.succeededFuture();
        });
        oldQuestion.reply(allow("sha256:old").toJson());
        assertThat(first.get(10, TimeUnit.SECONDS).policyVersion()).isEqualTo("sha256:old");

        Decision again = onLoop(() -> decider.decide(QUESTION));

        assertThat(again.policyVersion()).isEqualTo("sha256:new");
        assertThat(asked).hasValue(2);
        assertThat(onLoop(() -> decider.decide(QUESTION)).policyVersion()).isEqualTo("sha256:new");
        assertThat(asked).as("the new answer is cached").hasValue(2);
    }
}
