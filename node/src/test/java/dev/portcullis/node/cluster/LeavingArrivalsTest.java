package dev.portcullis.node.cluster;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A leaving node's roles stop once requests for them stop arriving, and not while they still come: the margins
 * here are wide (a send every 20 ms against a quiet period of 1 s), so a loaded machine does not change the answer.
 */
@Timeout(30)
class LeavingArrivalsTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsThatKeepArrivingHoldTheRolesUntilTheBound() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        vertx.eventBus().<String>consumer("policy.decide", message -> {
            answered.incrementAndGet();
            message.reply("ok");
        });
        long sender = vertx.setPeriodic(20, id -> vertx.eventBus().request("policy.decide", "host"));

        boolean quiet = LeavingArrivals.watch(vertx, Set.of("policy.decide"))
                .awaitQuiet(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(4))
                .await(20, TimeUnit.SECONDS);

        vertx.cancelTimer(sender);
        assertThat(quiet).as("went quiet while a request came every 20 ms").isFalse();
        assertThat(answered).hasPositiveValue();
    }

    @Test
    void sendsToOtherAddressesAndPublishesDoNotHoldThem() throws Exception {
        vertx.eventBus().<String>consumer("policy.decide", message -> message.reply("ok"));
        vertx.eventBus().<String>consumer("node.other", message -> message.reply("ok"));
        long sender = vertx.setPeriodic(20, id -> {
            vertx.eventBus().request("node.other", "ping");
            vertx.eventBus().publish("policy.decide", "changed");
        });

        boolean quiet = LeavingArrivals.watch(vertx, Set.of("policy.decide"))
                .awaitQuiet(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(20))
                .await(25, TimeUnit.SECONDS);

        vertx.cancelTimer(sender);
        assertThat(quiet).isTrue();
    }
}
