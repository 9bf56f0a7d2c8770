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

/**
 * Admits one request inside a decrypted connection (README, "One name, one path"): read by {@link HttpTarget}
 * (one {@code Host}, agreeing with an absolute URI, and a normalised path, else 400), naming the intercepted host
 * (else 421: domain fronting), and allowed by the rule's {@code http} entries on its normalised path (else 403).
 * The request is rewritten to what was decided: its normalised origin-form, and the agreed name as its only
 * {@code Host}.
 */
public final class RequestGate {

    private final String host;
    private final Decision connection;
    private final HttpRules rules;

    /**
     * @param host       the intercepted host every request must name
     * @param connection the decision that allowed the connection; its rule's {@code http} entries decide
     */
    public RequestGate(String host, Decision connection, HttpRules rules) {
        this.host = host;
        this.connection = connection;
        this.rules = rules;
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
        if (named != null && !host.equals(named.host().value())) {
            record.put(AccessRecord.REASON, "domain fronting");
            return Future.failedFuture(new BadRequestException(421, "domain fronting: request names "
                    + named.text() + " inside a connection to " + host));
        }
        request.setUri(target.originForm());
        request.headers().set(HttpHeaderNames.HOST, named != null ? named.text() : host);
        return rules.allow(connection, host, request.method().name(), target.path(), record);
    }
}
