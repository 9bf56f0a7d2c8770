package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The backends of one service on one proxy instance: which are in (healthy), how many requests each has in
 * flight, and which the next request goes to, round robin or to the one with the fewest requests in flight. A
 * backend starts in; {@link HealthProbe} reports take it out after {@code unhealthy} failures in a row and put it
 * back after {@code healthy} passes in a row. Used on one event loop only.
 */
public final class BackendPool {

    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

    /** One backend's state. */
    public static final class Member {
        private final Service.Backend backend;
        private boolean healthy = true;
        private int inFlight;
        private int failures;
        private int passes;

        Member(Service.Backend backend) {
            this.backend = backend;
        }

        public Service.Backend backend() {
            return backend;
        }

        public boolean healthy() {
            return healthy;
        }

        int inFlight() {
            return inFlight;
        }
    }

    private final String service;
    private final Service.Balance balance;
    private final List<Member> members = new ArrayList<>();
    private int next;

    public BackendPool(Service service) {
        this.service = service.name();
        this.balance = service.balance();
        service.backends().forEach(backend -> members.add(new Member(backend)));
    }

    /** The backend the next request goes to, among those in; empty when none is. */
    public Optional<Member> pick() {
        int size = members.size();
        Member chosen = null;
        for (int i = 0; i < size; i++) {
            Member candidate = members.get((next + i) % size);
            if (!candidate.healthy) {
                continue;
            }
            if (balance == Service.Balance.ROUND_ROBIN) {
                chosen = candidate;
                next = (next + i + 1) % size;
                break;
            }
            if (chosen == null || candidate.inFlight < chosen.inFlight) {
                chosen = candidate;
            }
        }
        if (chosen != null && balance == Service.Balance.LEAST_REQUESTS) {
            // Ties go round robin: the scan starts after the last one chosen.
            next = (members.indexOf(chosen) + 1) % size;
        }
        return Optional.ofNullable(chosen);
    }

    /** A request went to {@code member}; {@link #finished} when its response ended or it failed. */
    public void started(Member member) {
        member.inFlight++;
    }

    public void finished(Member member) {
        if (member.inFlight > 0) {
            member.inFlight--;
        }
    }

    /** One health check's result: takes the backend out or puts it back at its threshold. */
    public void report(Member member, boolean passed, String why, int unhealthyAfter, int healthyAfter) {
        if (passed) {
            member.failures = 0;
            member.passes++;
            if (!member.healthy && member.passes >= healthyAfter) {
                member.healthy = true;
                LOG.info("service '{}': backend {} is back in ({} health checks passed)", service,
                        member.backend.label(), member.passes);
            }
        } else {
            member.passes = 0;
            member.failures++;
            if (member.healthy && member.failures >= unhealthyAfter) {
                member.healthy = false;
                LOG.warn("service '{}': backend {} taken out after {} failed health checks: {}", service,
                        member.backend.label(), member.failures, why);
            }
        }
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public int size() {
        return members.size();
    }
}
