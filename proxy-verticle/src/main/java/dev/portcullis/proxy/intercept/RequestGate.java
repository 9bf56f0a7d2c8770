package dev.portcullis.proxy.intercept;

import dev.portcullis.api.policy.Decision;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.HttpRules;
import dev.portcullis.proxy.request.Authority;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.HttpTarget;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.Future;

import java.util.function.Predicate;

/**
 * Admits one request inside a decrypted connection (README, "One name, one path"), or on a reverse listener
 * (README, "Reverse proxy"): read by {@link HttpTarget} (one {@code Host}, agreeing with an absolute URI, and a
 * normalised path, else 400), naming a host the connection is for (else 421: domain fronting, RFC 9110 §15.5.20),
 * and allowed by the rule's {@code http} entries on its normalised path (else 403). The request is rewritten to what
 * was decided: its normalised origin-form, and the agreed name as its only {@code Host}.
 */
public final class RequestGate {

    private final String host;
    private final Predicate<String> answers;
    private final Decision connection;
    private final HttpRules rules;
    private final String client;

    /**
     * A decrypted forward connection's gate: every request must name the intercepted host.
     *
     * @param host       the intercepted host every request must name
     * @param connection the decision that allowed the connection; its rule's {@code http} entries decide
     * @param client     the client's address, for entries with {@code sources}
     */
    public RequestGate(String host, Decision connection, HttpRules rules, String client) {
        this(host, host::equals, connection, rules, client);
    }

    /**
     * @param host    the name the connection was opened for (its SNI), the {@code Host} of a request naming none
     * @param answers the names a request may name on this connection (normalised)
     */
    public RequestGate(String host, Predicate<String> answers, Decision connection, HttpRules rules, String client) {
        this.host = host;
        this.answers = answers;
        this.connection = connection;
        this.rules = rules;
        this.client = client;
    }

    /**
     * @return completed once the request may go upstream as rewritten; failed with {@code BadRequestException}
     * (400, 421), {@code DeniedException} or the policy role's {@code GatewayException}
     */
    public Future<Void> admit(HttpRequest request, AccessRecord record) {
        HttpTarget target;
        try {
            target = HttpTarget.of(request.uri(), request.headers().getAll(HttpHeaderNames.HOST),
                    request.protocolVersion().text());
        } catch (BadRequestException e) {
            return Future.failedFuture(e);
        }
        record.put(AccessRecord.PATH, target.path());
        Authority named = target.authority();
        String decided = named != null ? named.host().value() : host;
        if (!answers.test(decided)) {
            record.put(AccessRecord.REASON, "domain fronting");
            return Future.failedFuture(new BadRequestException(421, "domain fronting: request names "
                    + named.text() + " inside a connection to " + host));
        }
        request.setUri(target.originForm());
        request.headers().set(HttpHeaderNames.HOST, named != null ? named.text() : host);
        return rules.allow(connection, decided, request.method().name(), target.path(), client, request.headers(),
                record);
    }
}
