package dev.portcullis.proxy.transparent;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

/**
 * decide → resolve → guard → dial for a transparent connection, filling its access record on the way. The name
 * is resolved by the gateway's own dns role: the address the client aimed at is never dialled (DESIGN §3).
 */
final class Admission {

    /**
     * An allowed, connected destination.
     *
     * @param decision the policy's answer
     * @param upstream connected to the first address of the name that the guard passed
     */
    record Admitted(Decision decision, NetSocket upstream) {
    }

    private Admission() {
    }

    /**
     * @param host the name to resolve: the SNI or the {@code Host} header, normalised; an IP literal only when
     *             the policy's {@code no-sni: allow} lets the address the client aimed at be decided
     * @return the admitted connection, or a failed future with the stage's typed failure
     * ({@link DeniedException}, {@code GuardRefusedException}, {@code GatewayException},
     * {@code UpstreamConnectException})
     */
    static Future<Admitted> admit(Stages stages, DecideRequest question, HostName host, AccessRecord record) {
        return stages.decider().decide(question).compose(decision -> {
            record.put(AccessRecord.RULE, decision.rule())
                    .put(AccessRecord.VERDICT, Json.wireName(decision.verdict()))
                    .put(AccessRecord.POLICY_VERSION, decision.policyVersion());
            if (!decision.allowed()) {
                return Future.failedFuture(new DeniedException(decision, host.value() + ":" + question.port()));
            }
            record.put(AccessRecord.INSPECTION, Json.wireName(decision.inspection()));
            return stages.resolver().resolve(host)
                    .map(addresses -> stages.guards().guardFor(decision).allowed(addresses, question.port()))
                    .compose(addresses -> stages.dialer().dial(addresses, question.port()))
                    .map(upstream -> {
                        record.put(AccessRecord.RESOLVED, upstream.remoteAddress().hostAddress());
                        return new Admitted(decision, upstream);
                    });
        });
    }
}
