package dev.portcullis.proxy.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.api.policy.Decision;

import java.util.Set;

/** Builds each rule's guard once per policy version instead of parsing its CIDR lists on every connection. */
public final class GuardCache {

    private final Cache<String, DestinationGuard> guards = Caffeine.newBuilder().maximumSize(4096).build();
    private final AddressClassifier classifier;
    private final Set<Integer> ownPorts;

    /** @param ownPorts this proxy's listening ports, a live set filled in as listeners bind */
    public GuardCache(AddressClassifier classifier, Set<Integer> ownPorts) {
        this.classifier = classifier;
        this.ownPorts = ownPorts;
    }

    public DestinationGuard guardFor(Decision decision) {
        return guards.get(decision.policyVersion() + '\u0000' + decision.rule(),
                key -> DestinationGuard.of(decision, classifier, ownPorts));
    }
}
