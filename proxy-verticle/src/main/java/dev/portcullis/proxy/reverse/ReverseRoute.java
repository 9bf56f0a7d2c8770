package dev.portcullis.proxy.reverse;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.exchange.Route;
import dev.portcullis.proxy.intercept.RequestGate;
import dev.portcullis.proxy.request.HopByHop;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * The route of one exchange on a reverse listener (an HTTP/1.1 connection, or one HTTP/2 stream): each request
 * passes the same {@link RequestGate} as a decrypted forward request (one {@code Host} naming this service, else
 * 421; the normalised path; the service's {@code http} entries, with the client's address and the headers they
 * name), then goes to a backend its {@link BackendPool} picks, over HTTP/1.1, with the hop-by-hop fields dropped
 * (RFC 9110 §7.6.1), the client told in the service's {@code forwarded} form, and a WebSocket upgrade kept
 * (RFC 6455 §4.1). A connection to each backend it used is kept for the next request that goes there, and closed
 * with the client.
 */
final class ReverseRoute implements Route {

    private final ServiceState state;
    private final RequestGate gate;
    private final String client;
    private final Channel clientChannel;
    private final Map<BackendPool.Member, Channel> open = new HashMap<>();
    private BackendPool.Member inFlight;

    ReverseRoute(ServiceState state, RequestGate gate, String client, Channel clientChannel) {
        this.state = state;
        this.gate = gate;
        this.client = client;
        this.clientChannel = clientChannel;
        clientChannel.closeFuture().addListener(closed -> open.values().forEach(Channel::close));
    }

    @Override
    public Future<Channel> route(HttpRequest request, AccessRecord record) {
        Service service = state.service();
        Decision decision = service.decision();
        record.put(AccessRecord.SERVICE, service.name()).put(AccessRecord.RULE, decision.rule())
                .put(AccessRecord.INSPECTION, Json.wireName(service.mode()));
        String upgrade = upgradeAsked(request.headers());
        return gate.admit(request, record).compose(allowed -> {
            BackendPool.Member member = state.pool().pick().orElse(null);
            if (member == null) {
                return Future.failedFuture(new NoHealthyBackendException(service.name(), state.pool().size()));
            }
            rewrite(request, service, upgrade);
            record.put(AccessRecord.BACKEND, member.backend().label());
            state.pool().started(member);
            inFlight = member;
            Channel kept = open.get(member);
            if (kept != null && kept.isActive()) {
                record.put(AccessRecord.RESOLVED, ((java.net.InetSocketAddress) kept.remoteAddress()).getAddress()
                        .getHostAddress());
                return Future.succeededFuture(kept);
            }
            return state.connector().http(member.backend(), record).map(channel -> {
                Channel previous = open.put(member, channel);
                if (previous != null) {
                    previous.close();
                }
                if (!clientChannel.isActive()) {
                    channel.close();
                }
                return channel;
            });
        });
    }

    private void rewrite(HttpRequest request, Service service, String upgrade) {
        HttpHeaders headers = request.headers();
        HopByHop.forward(headers);
        // Netty's HTTP/2-to-HTTP/1.1 conversion notes the stream in x-http2-* fields: the gateway's, not the
        // client's, and no backend's business; one a client sent itself is dropped the same way.
        headers.names().stream().filter(name -> name.regionMatches(true, 0, "x-http2-", 0, 8)).toList()
                .forEach(headers::remove);
        if (upgrade != null) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE).set(HttpHeaderNames.UPGRADE, upgrade);
        }
        ForwardedHeaders.apply(headers, service.forwarded(), client, headers.get(HttpHeaderNames.HOST));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (!(request instanceof LastHttpContent) && !HttpUtil.isContentLengthSet(request)
                && !HttpUtil.isTransferEncodingChunked(request)) {
            // An HTTP/2 request's body is framed by its stream (RFC 9113 §8.1); over HTTP/1.1 it needs chunking.
            HttpUtil.setTransferEncodingChunked(request, true);
        }
    }

    /** The protocol an {@code Upgrade} request asks for, when its {@code Connection} names it (RFC 9110 §7.8). */
    private static String upgradeAsked(HttpHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        return upgrade != null && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                ? upgrade : null;
    }

    @Override
    public boolean redials() {
        return true;
    }

    @Override
    public void respond(HttpResponse response) {
        String upgrade = response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)
                ? response.headers().get(HttpHeaderNames.UPGRADE) : null;
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        HopByHop.forward(response.headers());
        if (upgrade != null) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                    .set(HttpHeaderNames.UPGRADE, upgrade);
        }
    }

    @Override
    public void ended() {
        if (inFlight != null) {
            state.pool().finished(inFlight);
            inFlight = null;
        }
    }
}
