package dev.portcullis.proxy.admit;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.decide.Decider;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.decide.HttpRules;
import dev.portcullis.proxy.dial.Dialer;
import dev.portcullis.proxy.guard.GuardCache;
import dev.portcullis.proxy.resolve.DestinationResolver;
import dev.portcullis.proxy.revoke.RevokeOnChange;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

/**
 * decide → (gate a plain-HTTP request) → resolve → guard → dial, for every listener: explicit CONNECT and
 * absolute-form, transparent TLS and plain HTTP, and connections named by their destination. A connection is
 * admitted once ({@link #admit}); a keep-alive plain-HTTP connection admits each request ({@link #decide}, then
 * {@link #connect} when its upstream is not the one already open). Fills the connection's or the request's
 * record with what these stages learn (host, port, rule, verdict, policy version, inspection,
 * method and path of a plain request, a stale resolution, the address dialled). Nothing is dialled before the policy allowed the
 * name and the guard passed the address; the address dialled always comes from the gateway's own DNS, never
 * from the client (README, "What happens to one connection"). An admitted connection is handed to
 * {@link RevokeOnChange}, which asks again about it when the policy changes.
 */
public final class Admission {

    private final Decider decider;
    private final HttpRules httpRules;
    private final DestinationResolver resolver;
    private final GuardCache guards;
    private final Dialer dialer;
    private final RevokeOnChange revocation;

    public Admission(Decider decider, HttpRules httpRules, DestinationResolver resolver, GuardCache guards,
                     Dialer dialer, RevokeOnChange revocation) {
        this.decider = decider;
        this.httpRules = httpRules;
        this.resolver = resolver;
        this.guards = guards;
        this.dialer = dialer;
        this.revocation = revocation;
    }

    /**
     * Admits a connection, filling its own record.
     *
     * @param question what to decide; its host is {@code host}'s normalised value
     * @param host     the name to resolve (an IP literal is dialled as it is, after the guard)
     * @return the admitted upstream, held by {@code connection}; or a failed future with the stage's typed
     * failure ({@link DeniedException}, {@code GuardRefusedException}, {@code GatewayException} from the policy or
     * dns role, {@code UpstreamConnectException}, {@link ClientGoneException})
     */
    public Future<Admitted> admit(ClientConnection connection, DecideRequest question, HostName host,
                                  Payload payload) {
        AccessRecord record = connection.record();
        return decide(record, question, payload)
                .compose(decision -> connect(connection, record, question, host, decision));
    }

    /**
     * decide → gate: the policy's answer for {@code question}, and for a plain-HTTP payload under a decrypt rule
     * its {@code http} entries'; nothing is resolved or dialled. {@code record} (the connection's, or one
     * request's) gets the host, port, rule, verdict, policy version and inspection.
     *
     * @return the allowing decision, or a failed future ({@link DeniedException}, {@code GatewayException})
     */
    public Future<Decision> decide(AccessRecord record, DecideRequest question, Payload payload) {
        record.put(AccessRecord.HOST, question.host()).put(AccessRecord.PORT, question.port());
        if (payload instanceof Payload.PlainHttp http) {
            record.put(AccessRecord.METHOD, http.method()).put(AccessRecord.PATH, http.path());
        }
        return decider.decide(question).compose(decision -> allowed(record, decision, question, payload));
    }

    /**
     * resolve → guard → dial, for what {@code decision} allowed: the upstream is held by {@code connection} (so it
     * closes with the client) and handed to {@link RevokeOnChange} with {@code question}; {@code record} gets the
     * address dialled and whether its resolution was stale.
     *
     * @return the admitted upstream; or a failed future ({@code GuardRefusedException}, {@code GatewayException}
     * from the dns role, {@code UpstreamConnectException}, {@link ClientGoneException})
     */
    public Future<Admitted> connect(ClientConnection connection, AccessRecord record, DecideRequest question,
                                    HostName host, Decision decision) {
        return reach(host, question.port(), decision, record)
                .compose(upstream -> {
                    connection.holdUpstream(upstream);
                    if (connection.closed() || connection.finished()) {
                        return Future.failedFuture(new ClientGoneException());
                    }
                    record.put(AccessRecord.RESOLVED, upstream.remoteAddress().hostAddress());
                    revocation.admitted(connection, question, decision);
                    return Future.succeededFuture(new Admitted(decision, upstream));
                });
    }

    /**
     * resolve → guard → dial alone: the one way every destination is reached, a connection's upstream or a reverse
     * listener's backend. {@code record} gets whether the resolution was stale.
     *
     * @return the connected socket, which the caller owns; or a failed future ({@code GuardRefusedException},
     * {@code GatewayException} from the dns role, {@code UpstreamConnectException})
     */
    public Future<NetSocket> reach(HostName host, int port, Decision decision, AccessRecord record) {
        return resolver.resolve(host)
                .map(resolved -> {
                    if (resolved.stale()) {
                        record.put(AccessRecord.DNS_STALE, true);
                    }
                    return guards.guardFor(decision).allowed(resolved.addresses(), port);
                })
                .compose(addresses -> dialer.dial(addresses, port));
    }

    /** The decision again for a question that differs from the admitted one (an ECH hello's). */
    public Future<Decision> decide(DecideRequest question) {
        return decider.decide(question);
    }

    private Future<Decision> allowed(AccessRecord record, Decision decision, DecideRequest question,
                                     Payload payload) {
        record.put(AccessRecord.RULE, decision.rule())
                .put(AccessRecord.VERDICT, Json.wireName(decision.verdict()))
                .put(AccessRecord.POLICY_VERSION, decision.policyVersion());
        if (!decision.allowed()) {
            return Future.failedFuture(new DeniedException(decision, question.host() + ":" + question.port()));
        }
        record.put(AccessRecord.INSPECTION, Json.wireName(decision.inspection()));
        if (decision.inspection() != Inspection.DECRYPT) {
            return Future.succeededFuture(decision);
        }
        if (payload instanceof Payload.Opaque opaque && decision.nonTls() == NonTlsAction.DENY) {
            return Future.failedFuture(new DeniedException(decision, opaque.why(),
                    "it decrypts and says non-tls: deny"));
        }
        if (payload instanceof Payload.PlainHttp http) {
            return httpRules.allow(decision, question.host(), http.method(), http.path(), question.client(),
                    http.headers(), record).map(decision);
        }
        return Future.succeededFuture(decision);
    }
}
