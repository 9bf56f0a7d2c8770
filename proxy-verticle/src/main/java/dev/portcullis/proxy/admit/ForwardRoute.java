package dev.portcullis.proxy.admit;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.exchange.Http1Codecs;
import dev.portcullis.proxy.exchange.Route;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.ForwardedRequest;
import dev.portcullis.proxy.request.ForwardedResponse;
import dev.portcullis.proxy.request.RequestTarget;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.Future;

/**
 * The route of a plain-HTTP forward connection (an {@code http_proxy} client on the explicit listener, or plain
 * HTTP on a transparent port): every request is read, decided and forwarded on its own (README, "One name, one
 * path"), so a change of host between requests is a new decision, never a carry-over. Its target is read the
 * listener's way ({@link Targets}), it passes {@link Admission} (decide, the rule's {@code http} entries, and
 * resolve, guard, dial when it needs an upstream) and goes upstream rewritten as decided ({@link ForwardedRequest}).
 *
 * <p>One upstream is open at a time. It is kept alive and reused by the next request only when that request was
 * admitted by the same question and the same decision (same host and port, same rule, same policy version), so
 * a request never rides on a connection its own decision did not open the way it would have (the guard's
 * exemptions are the rule's); otherwise it is closed and the new destination dialled.
 */
public final class ForwardRoute implements Route {

    /** How a listener reads where a plain request goes. */
    @FunctionalInterface
    public interface Targets {
        /** @throws BadRequestException 400 with the reason */
        RequestTarget read(HttpRequest request);
    }

    /** The explicit listener's: an absolute {@code http://} URI agreeing with its {@code Host} (RFC 9112 §3.2.2). */
    public static Targets absoluteForm() {
        return request -> RequestTarget.absoluteForm(request.uri(), request.headers().getAll(HttpHeaderNames.HOST),
                request.protocolVersion().text());
    }

    /** A transparent port's: origin-form, named by its one {@code Host}, sent to {@code port}. */
    public static Targets originForm(int port) {
        return request -> RequestTarget.originForm(request.uri(), request.headers().getAll(HttpHeaderNames.HOST),
                request.protocolVersion().text(), port);
    }

    private final Admission admission;
    private final ClientConnection connection;
    private final Targets targets;
    private final String listener;
    private final Mode mode;
    private OpenUpstream open;

    /** @param listener the listener's name, for the decision */
    public ForwardRoute(Admission admission, ClientConnection connection, Targets targets, String listener,
                        Mode mode) {
        this.admission = admission;
        this.connection = connection;
        this.targets = targets;
        this.listener = listener;
        this.mode = mode;
    }

    @Override
    public Future<Channel> route(HttpRequest request, AccessRecord record) {
        if (HttpMethod.CONNECT.equals(request.method())) {
            return Future.failedFuture(new BadRequestException(400,
                    "CONNECT is served only as the first request of a connection"));
        }
        RequestTarget target;
        try {
            target = targets.read(request);
        } catch (BadRequestException e) {
            return Future.failedFuture(e);
        }
        DecideRequest question = new DecideRequest(target.host().value(), target.port(), connection.clientIp(),
                listener, mode, Protocol.HTTP, null);
        ForwardedRequest.rewrite(request, target);
        return admission.decide(record, question, new Payload.PlainHttp(request.method().name(), target.path(),
                        request.headers()))
                .compose(decision -> upstreamFor(question, target, decision, record));
    }

    private Future<Channel> upstreamFor(DecideRequest question, RequestTarget target, Decision decision,
                                        AccessRecord record) {
        if (open != null && open.serves(question, decision)) {
            open.describe(record);
            return Future.succeededFuture(open.channel());
        }
        retire();
        return admission.connect(connection, record, question, target.host(), decision).map(admitted -> {
            Channel channel = Sockets.channel(admitted.upstream());
            Http1Codecs.installClient(channel);
            open = new OpenUpstream(question, decision, channel, record.get(AccessRecord.RESOLVED),
                    record.has(AccessRecord.DNS_STALE));
            return channel;
        });
    }

    /** Closes the open upstream: the next request goes elsewhere, or was decided otherwise. */
    private void retire() {
        if (open != null) {
            open.channel().close();
            open = null;
        }
    }

    @Override
    public boolean redials() {
        return true;
    }

    @Override
    public void respond(HttpResponse response) {
        ForwardedResponse.rewrite(response);
    }

    /**
     * The upstream open now and what admitted it.
     *
     * @param resolved the address dialled, for the record of each request that reuses it
     * @param stale    whether that address came from a resolution past its TTL
     */
    private record OpenUpstream(DecideRequest question, Decision decision, Channel channel, String resolved,
                                boolean stale) {

        boolean serves(DecideRequest next, Decision nextDecision) {
            return channel.isActive() && question.equals(next) && decision.equals(nextDecision);
        }

        void describe(AccessRecord record) {
            record.put(AccessRecord.RESOLVED, resolved);
            if (stale) {
                record.put(AccessRecord.DNS_STALE, true);
            }
        }
    }
}
