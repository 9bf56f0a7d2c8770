package dev.portcullis.api.bus;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy role that has frozen (it holds its consumer but never answers) does not collect every new
 * connection's request for its whole timeout: past the bound they fail at once, as "policy unavailable", and
 * requests go to it again once the waiting ones have timed out. Beside an instance that answers, it costs a
 * request half its timeout, not a failure.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoleRequestsTest {

    private Vertx vertx;
    private final List<Message<JsonObject>> unanswered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_DECIDE, unanswered::add).completion().await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void pastTheBoundRequestsToAFrozenRoleFailAtOnceAsUnavailable() {
        PolicyClient policy = new PolicyClient(vertx, Duration.ofMillis(800), 3);
        List<Future<?>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(policy.decide(question()));
        }

        // Failed when returned: it never waited for the role, nor for its timeout.
        Future<?> failFast = policy.decide(question());
        assertThat(failFast.failed()).isTrue();
        assertThat(failFast.cause()).isInstanceOf(GatewayException.class)
                .hasMessageContaining("policy unavailable").hasMessageContaining("3 requests already wait");
        assertThat(((GatewayException) failFast.cause()).code()).isEqualTo(ErrorCode.POLICY_UNAVAILABLE);

        Future.join(waiting).otherwiseEmpty().await();
        assertThat(waiting).allMatch(Future::failed);
        // Each was asked twice, the second time at half its timeout: the frozen role is the only instance.
        assertThat(unanswered).hasSize(6);

        // The waiting ones timed out: the next request is sent to the role again.
        Future<?> again = policy.decide(question());
        again.otherwiseEmpty().await();
        assertThat(again.cause()).hasMessageContaining("no answer in time");
        assertThat(unanswered).hasSize(8);
    }

    @Test
    void aRequestThatOneFrozenInstanceHoldsIsAnsweredByAnother() {
        // Beside the frozen consumer, one that answers: the bus picks them in turn.
        vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_DECIDE,
                message -> message.reply(new JsonObject().put("answeredBy", "live"))).completion().await();
        RoleRequests requests = new RoleRequests(vertx, "policy", ErrorCode.POLICY_UNAVAILABLE,
                Duration.ofSeconds(2), 10);

        // One after the other, as one client's connections: each hedge follows its own request in the rotation.
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Future<JsonObject> answer = requests.request(Addresses.POLICY_DECIDE, new JsonObject());
            answer.otherwiseEmpty().await();
            answers.add(answer);
        }

        assertThat(unanswered).as("requests the frozen instance was given").isNotEmpty();
        assertThat(answers).allMatch(Future::succeeded);
        assertThat(requests.pending()).isZero();
    }

    @Test
    void aFailureTheRoleAnsweredIsNotAskedAgain() {
        List<Message<JsonObject>> refused = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer("test.refuses", message -> {
            refused.add(message);
            message.fail(ErrorCode.BAD_REQUEST.failureCode(), "refused");
        }).completion().await();
        RoleRequests requests = new RoleRequests(vertx, "policy", ErrorCode.POLICY_UNAVAILABLE,
                Duration.ofSeconds(4), 10);

        Future<JsonObject> answer = requests.request("test.refuses", new JsonObject());
        answer.otherwiseEmpty().await();

        assertThat(answer.cause()).isInstanceOf(GatewayException.class).hasMessageContaining("refused");
        assertThat(refused).hasSize(1);
    }

    private static DecideRequest question() {
        return new DecideRequest("example.com", 443, "10.0.0.1", "explicit", Mode.EXPLICIT, Protocol.TCP, null);
    }

    @Test
    void onlyAnAnswerThatNobodyHandlesTheAddressCountsAsATargetThatHasGone() {
        vertx.eventBus().<JsonObject>consumer("test.refuses", message -> message.fail(7, "refused")).completion()
                .await();
        Throwable noHandlers = failureOf(vertx.eventBus().request("test.nobody", new JsonObject()));
        Throwable recipientFailure = failureOf(vertx.eventBus().request("test.refuses", new JsonObject()));
        Throwable timeout = failureOf(vertx.eventBus().request(Addresses.POLICY_DECIDE, new JsonObject(),
                new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(50)));

        assertThat(RoleRequests.targetGone(noHandlers)).isTrue();
        assertThat(RoleRequests.targetGone(recipientFailure)).isFalse();
        assertThat(RoleRequests.targetGone(timeout)).isFalse();
    }

    @Test
    void aRoleWithNoInstanceFailsAsUnavailableAfterItsOneRetryAndFreesItsPendingSlot() {
        RoleRequests requests = new RoleRequests(vertx, "dns", ErrorCode.DNS_UNAVAILABLE, Duration.ofSeconds(5), 1);

        Future<JsonObject> answer = requests.request("test.nobody", new JsonObject());
        answer.otherwiseEmpty().await();

        assertThat(answer.cause()).isInstanceOf(GatewayException.class)
                .hasMessageContaining("no dns role in the cluster");
        assertThat(requests.pending()).isZero();
    }

    private static Throwable failureOf(Future<?> future) {
        future.otherwiseEmpty().await();
        return future.cause();
    }
}
