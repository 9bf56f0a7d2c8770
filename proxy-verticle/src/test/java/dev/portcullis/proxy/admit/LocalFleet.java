package dev.portcullis.proxy.admit;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.decide.Decider;
import dev.portcullis.proxy.dial.Dialer;
import dev.portcullis.proxy.guard.AddressClassifier;
import dev.portcullis.proxy.guard.GuardCache;
import dev.portcullis.proxy.guard.OwnEndpoints;
import dev.portcullis.proxy.resolve.DestinationResolver;
import dev.portcullis.proxy.revoke.RevokeOnChange;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The policy and dns roles as plain consumers on a local (non-clustered) bus, answering what a test sets, and
 * counting what they are asked; with the proxy's real clients, caches, guard and dialer on top.
 */
final class LocalFleet {

    final AtomicInteger decisions = new AtomicInteger();
    final AtomicInteger httpDecisions = new AtomicInteger();
    final AtomicInteger resolutions = new AtomicInteger();
    volatile Decision decision;
    volatile HttpDecision httpDecision;
    volatile List<String> addresses = List.of("127.0.0.1");
    final Admission admission;

    LocalFleet(Vertx vertx) {
        vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_DECIDE, message -> {
            decisions.incrementAndGet();
            message.reply(decision.toJson());
        });
        vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_HTTP, message -> {
            httpDecisions.incrementAndGet();
            message.reply(httpDecision.toJson());
        });
        vertx.eventBus().<JsonObject>consumer(Addresses.DNS_RESOLVE, message -> {
            resolutions.incrementAndGet();
            message.reply(new Resolution(addresses, 0, ResolutionSource.STATIC).toJson());
        });
        PolicyClient policy = new PolicyClient(vertx);
        admission = new Admission(new Decider(policy, 100), new dev.portcullis.proxy.decide.HttpRules(policy, 100),
                new DestinationResolver(new ResolveClient(vertx), 100, Duration.ZERO),
                new GuardCache(AddressClassifier.forThisHost(), OwnEndpoints.none(AddressClassifier.forThisHost())),
                new Dialer(vertx.createNetClient()), RevokeOnChange.off());
    }
}
