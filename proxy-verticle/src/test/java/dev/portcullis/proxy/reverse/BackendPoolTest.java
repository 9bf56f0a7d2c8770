package dev.portcullis.proxy.reverse;

import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Service;
import dev.portcullis.api.policy.Verdict;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a service's requests are spread over its backends, and how health reports take one out and back. */
class BackendPoolTest {

    private static Service service(Service.Balance balance, int backends) {
        List<Service.Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            list.add(new Service.Backend("10.0.0." + (i + 1), 8080));
        }
        return new Service("shop", List.of("shop.test"), Service.Mode.PASSTHROUGH, null, list, null, balance, null,
                Service.Forwarded.NONE, new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.DENY,
                "service:shop", "sha256:1", DecisionReason.RULE, 0, List.of(), List.of()));
    }

    private static String pickHost(BackendPool pool) {
        return pool.pick().orElseThrow().backend().host();
    }

    @Test
    void roundRobinTakesEachBackendInTurn() {
        BackendPool pool = new BackendPool(service(Service.Balance.ROUND_ROBIN, 3));

        assertThat(List.of(pickHost(pool), pickHost(pool), pickHost(pool), pickHost(pool)))
                .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1");
    }

    @Test
    void aBackendFailingItsChecksIsSkippedUntilItPassesAgain() {
        BackendPool pool = new BackendPool(service(Service.Balance.ROUND_ROBIN, 2));
        BackendPool.Member second = pool.members().get(1);

        pool.report(second, false, "refused", 2, 2);
        assertThat(second.healthy()).as("one failure of two allowed").isTrue();
        pool.report(second, false, "refused", 2, 2);
        assertThat(List.of(pickHost(pool), pickHost(pool), pickHost(pool))).containsOnly("10.0.0.1");

        pool.report(second, true, null, 2, 2);
        assertThat(second.healthy()).as("one pass of two needed").isFalse();
        pool.report(second, true, null, 2, 2);
        assertThat(List.of(pickHost(pool), pickHost(pool))).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }

    @Test
    void noHealthyBackendIsNoPick() {
        BackendPool pool = new BackendPool(service(Service.Balance.LEAST_REQUESTS, 1));
        pool.report(pool.members().get(0), false, "refused", 1, 1);

        assertThat(pool.pick()).isEmpty();
    }

    @Test
    void leastRequestsGoesToTheBackendWithFewestInFlight() {
        BackendPool pool = new BackendPool(service(Service.Balance.LEAST_REQUESTS, 2));
        BackendPool.Member first = pool.pick().orElseThrow();
        pool.started(first);
        BackendPool.Member second = pool.pick().orElseThrow();
        assertThat(second).isNotSameAs(first);
        pool.started(second);
        pool.started(second);

        assertThat(pool.pick().orElseThrow()).as("1 in flight against 2").isSameAs(first);
        pool.finished(second);
        pool.finished(second);
        assertThat(pool.pick().orElseThrow()).as("now 1 against 0").isSameAs(second);
    }
}
