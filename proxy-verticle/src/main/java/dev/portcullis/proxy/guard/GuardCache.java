package dev.portcullis.proxy.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.api.policy.Decision;

/** Builds each rule's guard once per policy version instead of parsing its CIDR lists on every connection. */
public final class GuardCache {

    private final Cache<String, DestinationGuard> guards = Caffeine.newBuilder().maximumSize(4096).build();
    private final AddressClassifier classifier;
    private final OwnEndpoints ownEndpoints;

    /** @param ownEndpoints the gateway's own endpoints, a live view refused before any rule applies */
    public GuardCache(AddressClassifier classifier, OwnEndpoints ownEndpoints) {
        this.classifier = classifier;
        this.ownEndpoints = ownEndpoints;
    }

    public DestinationGuard guardFor(Decision decision) {
        return guards.get(decision.policyVersion() + '\u0000' + decision.rule(),
                key -> DestinationGuard.of(decision, classifier, ownEndpoints));
    }
}
