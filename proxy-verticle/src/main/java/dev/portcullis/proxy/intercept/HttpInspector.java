package dev.portcullis.proxy.intercept;

import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.request.Authority;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.ClientHttpCodec;
import dev.portcullis.proxy.request.FramingCheck;
import dev.portcullis.proxy.request.HttpTarget;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Relays HTTP/1.1 between a decrypted client and a verified upstream, one request at a time: each request is read
 * by {@link HttpTarget} (one {@code Host}, agreeing with an absolute URI, and a normalised path, else 400), must
 * name the intercepted host (else 421: domain fronting), and is decided by the rule's {@code http} entries on its
 * normalised path before a byte of it goes upstream (else 403); it is forwarded in origin-form with exactly that
 * path and the agreed name as its only {@code Host}. Keep-alive and bodies of any size pass with
 * back-pressure; a {@code 101 Switching Protocols} (WebSocket) turns both sides into a plain splice.
 *
 * <p>Requests are handled in order and the next is read only after the previous response ended, so a locally
 * made answer can never overtake an upstream one on a pipelined connection.
 */
public final class HttpInspector {

    private static final String CLIENT_CODEC = "portcullis-http-server";
    private static final String FRAMING_CHECK = "portcullis-framing-check";
    private static final String CLIENT_SIDE = "portcullis-inspect-client";
    private static final String UPSTREAM_CODEC = "portcullis-http-client";
    private static final String UPSTREAM_SIDE = "portcullis-inspect-upstream";

    private enum State { IDLE, DECIDING, FORWARDING, DROPPING, AWAITING_RESPONSE, UPGRADED, CLOSED }

    private final String host;
    private final String rule;
    private final PolicyClient policy;
    private final Supplier<AccessRecord> records;
    private final Consumer<JsonObject> accessLog;
    private final Deque<HttpObject> queued = new ArrayDeque<>();
    private Channel client;
    private Channel upstream;
    private State state = State.IDLE;
    private AccessRecord current;
    private boolean upgradeRequested;
    private boolean closeAfterResponse;
    /** Whether the upstream's response to the current request has begun reaching the client. */
    private boolean responseStarted;
    private long requestBytes;
    private long responseBytes;

    /**
     * @param host      the intercepted host every request must name
     * @param rule      the rule that allowed the connection
     * @param records   a new access record with the connection's fields, one per request
     * @param accessLog where finished records go
     */
    public HttpInspector(String host, String rule, PolicyClient policy, Supplier<AccessRecord> records,
                         Consumer<JsonObject> accessLog) {
        this.host = host;
        this.rule = rule;
        this.policy = policy;
        this.records = records;
        this.accessLog = accessLog;
    }

    /** Adds the client side after the client's {@code "ssl"} handler (decrypted bytes in, plaintext out). */
    public void installClientSide(Channel clientChannel, int maxInitialLine, int maxHeaders) {
        this.client = clientChannel;
        clientChannel.pipeline().addAfter("ssl", CLIENT_CODEC, ClientHttpCodec.create(maxInitialLine, maxHeaders));
        // Refuses what Netty's decoder lets through and another parser could frame differently (README, "No
        // smuggling"), as a failed decoder result.
        clientChannel.pipeline().addAfter(CLIENT_CODEC, FRAMING_CHECK, new FramingCheck());
        clientChannel.pipeline().addAfter(FRAMING_CHECK, CLIENT_SIDE, new ClientSide());
    }

    /** Adds the upstream side before Vert.x's handler on the upstream channel, after its TLS handler. */
    public void installUpstreamSide(Channel upstreamChannel) {
        this.upstream = upstreamChannel;
        upstreamChannel.pipeline().addBefore("handler", UPSTREAM_CODEC, new HttpClientCodec(8192, 64 * 1024, 8192));
        upstreamChannel.pipeline().addBefore("handler", UPSTREAM_SIDE, new UpstreamSide());
    }

    private void onClientMessage(HttpObject message) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(message);
        } else if (!queued.isEmpty() || !canTake(message)) {
            // Arrived before its turn (a pipelined request, or a body while its request is decided): keep it, and
            // stop reading until it is served.
            queued.add(message);
            client.config().setAutoRead(false);
        } else {
            take(message);
        }
    }

    private boolean canTake(HttpObject message) {
        if (message instanceof HttpRequest) {
            return state == State.IDLE;
        }
        return state == State.FORWARDING || state == State.DROPPING || state == State.IDLE;
    }

    private void take(HttpObject message) {
        if (message instanceof HttpRequest request) {
            startRequest(request);
        } else if (message.decoderResult().isFailure()) {
            onMalformedBody((HttpContent) message);
        } else if (state == State.IDLE) {
            // The rest of a body whose response already ended (the server answered early): nobody reads it.
            ReferenceCountUtil.release(message);
        } else {
            onRequestContent((HttpContent) message);
        }
    }

    private void startRequest(HttpRequest request) {
        current = records.get().put(AccessRecord.METHOD, request.method().name());
        requestBytes = 0;
        responseBytes = 0;
        responseStarted = false;
        if (request.decoderResult().isFailure()) {
            respond(HttpResponseStatus.BAD_REQUEST, "malformed request: " + request.decoderResult().cause().getMessage(),
                    true);
            return;
        }
        current.put(AccessRecord.PATH, request.uri());
        HttpTarget target;
        try {
            // The one reading of a request every listener shares (README, "One name, one path"): one Host that
            // agrees with an absolute URI (RFC 9112 §3.2), the path normalised (RFC 3986 §5.2.4).
            target = HttpTarget.of(request.uri(), request.headers().getAll(HttpHeaderNames.HOST),
                    request.protocolVersion().text());
        } catch (BadRequestException e) {
            respond(HttpResponseStatus.BAD_REQUEST, e.getMessage(), true);
            return;
        }
        current.put(AccessRecord.PATH, target.path());
        Authority named = target.authority();
        if (named != null && !host.equals(named.host().value())) {
            current.put(AccessRecord.REASON, "domain fronting");
            respond(HttpResponseStatus.MISDIRECTED_REQUEST, "domain fronting: request names "
                    + named.text() + " inside a connection to " + host, true);
            return;
        }
        // What goes upstream is what is decided: the normalised origin-form, and the agreed name as the only Host.
        request.setUri(target.originForm());
        request.headers().set(HttpHeaderNames.HOST, named != null ? named.text() : host);
        upgradeRequested = request.headers().contains(HttpHeaderNames.UPGRADE);
        closeAfterResponse = !HttpUtil.isKeepAlive(request);
        state = State.DECIDING;
        client.config().setAutoRead(false);
        policy.decideHttp(new HttpDecideRequest(host, request.method().name(), target.path(), rule))
                .onComplete(decided -> client.eventLoop().execute(() -> {
                    if (decided.succeeded()) {
                        onDecision(request, target.path(), decided.result());
                    } else {
                        String reason = decided.cause() instanceof GatewayException gateway
                                ? gateway.getMessage() : String.valueOf(decided.cause());
                        respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "policy unavailable: " + reason, true);
                    }
                }));
    }

    private void onDecision(HttpRequest request, String path, HttpDecision decision) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(request);
            return;
        }
        current.put(AccessRecord.VERDICT, decision.allowed() ? "allow" : "deny")
                .put(AccessRecord.POLICY_VERSION, decision.policyVersion());
        if (!decision.allowed()) {
            current.put(AccessRecord.REASON, decision.reason());
            boolean bodyFollows = !(request instanceof LastHttpContent);
            respond(HttpResponseStatus.FORBIDDEN, request.method().name() + " " + path + " denied by rule '"
                    + decision.rule() + "' (" + decision.reason() + ")", false);
            state = bodyFollows ? State.DROPPING : State.IDLE;
            drainQueue();
            return;
        }
        state = request instanceof LastHttpContent ? State.AWAITING_RESPONSE : State.FORWARDING;
        upstream.writeAndFlush(request);
        drainQueue();
        if (state == State.FORWARDING || state == State.DROPPING) {
            client.config().setAutoRead(upstream.isWritable());
        }
    }

    private void onRequestContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (state == State.DROPPING) {
            content.release();
            if (last) {
                state = State.IDLE;
                finishRecord();
                drainQueue();
            }
            return;
        }
        requestBytes += content.content().readableBytes();
        upstream.writeAndFlush(content);
        if (last) {
            state = State.AWAITING_RESPONSE;
        } else if (!upstream.isWritable()) {
            client.config().setAutoRead(false);
        }
    }

    /**
     * A chunk Netty could not frame (README, "No smuggling"); its decoder reads nothing more on this connection.
     * The head and earlier chunks may be upstream already: closing it before the body ended leaves the origin an
     * incomplete message, which it must not act on (RFC 9112 §8).
     */
    private void onMalformedBody(HttpContent content) {
        content.release();
        if (state == State.FORWARDING && !responseStarted) {
            respond(HttpResponseStatus.BAD_REQUEST, "malformed request body: " + content.decoderResult().cause()
                    .getMessage(), true);
        } else {
            // Already answered: a 403 while its body is dropped, or an early response.
            closeBoth();
        }
    }

    /** Serves what arrived early, in order, while the state allows; reads again when the queue is empty. */
    private void drainQueue() {
        while (!queued.isEmpty() && state != State.CLOSED && canTake(queued.peek())) {
            take(queued.poll());
        }
        if (queued.isEmpty() && (state == State.IDLE || state == State.FORWARDING || state == State.DROPPING)) {
            client.config().setAutoRead(true);
        }
    }

    private void onUpstreamMessage(HttpObject message) {
        if (message instanceof HttpResponse response) {
            responseStarted = true;
            current.put(AccessRecord.STATUS, response.status().code());
            if (response.status().code() == 101 && upgradeRequested) {
                client.writeAndFlush(message);
                upgrade();
                return;
            }
            if (!HttpUtil.isKeepAlive(response)) {
                closeAfterResponse = true;
            }
        }
        if (message instanceof HttpContent content) {
            responseBytes += content.content().readableBytes();
        }
        boolean last = message instanceof LastHttpContent;
        client.writeAndFlush(message);
        if (!client.isWritable()) {
            upstream.config().setAutoRead(false);
        }
        if (last) {
            finishRecord();
            if (closeAfterResponse) {
                closeBoth();
                return;
            }
            state = State.IDLE;
            drainQueue();
        }
    }

    private void upgrade() {
        state = State.UPGRADED;
        current.put(AccessRecord.REASON, "upgraded");
        finishRecord();
        // Relays first, so bytes the codecs still hold go to them when the codecs are removed.
        Splice.join(client, upstream, null, Long.MAX_VALUE);
        client.pipeline().remove(CLIENT_SIDE);
        client.pipeline().remove(FRAMING_CHECK);
        client.pipeline().remove(CLIENT_CODEC);
        upstream.pipeline().remove(UPSTREAM_SIDE);
        upstream.pipeline().remove(UPSTREAM_CODEC);
    }

    private void respond(HttpResponseStatus status, String reason, boolean close) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("Proxy-Status", new ErrorResponse(status.code(), status.code() == 400 ? "http_request_error"
                        : "http_request_denied", reason).proxyStatus());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        current.put(AccessRecord.STATUS, status.code());
        if (!current.has(AccessRecord.REASON)) {
            current.put(AccessRecord.REASON, reason);
        }
        if (close) {
            state = State.CLOSED;
            finishRecord();
            client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            upstream.close();
        } else {
            client.writeAndFlush(response);
            finishRecord();
        }
    }

    private void finishRecord() {
        if (current != null) {
            accessLog.accept(current.put(AccessRecord.BYTES_UP, requestBytes)
                    .put(AccessRecord.BYTES_DOWN, responseBytes).finish());
            current = null;
        }
    }

    private void closeBoth() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** What both sides do alike: a closed side ends the exchange; an error closes that side. */
    private abstract class Side extends ChannelInboundHandlerAdapter {
        private final String closedReason;

        Side(String closedReason) {
            this.closedReason = closedReason;
        }

        /** The other side may read again once this side's outbound buffer drained. */
        abstract boolean peerMayRead();

        abstract Channel peer();

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && peerMayRead()) {
                peer().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current != null) {
                current.put(AccessRecord.REASON, closedReason);
                finishRecord();
            }
            closeBoth();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private final class ClientSide extends Side {
        ClientSide() {
            super("client closed");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpObject http) {
                onClientMessage(http);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        boolean peerMayRead() {
            return state != State.CLOSED && state != State.UPGRADED;
        }

        @Override
        Channel peer() {
            return upstream;
        }
    }

    private final class UpstreamSide extends Side {
        UpstreamSide() {
            super("upstream closed");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpObject http && state != State.CLOSED) {
                onUpstreamMessage(http);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        boolean peerMayRead() {
            return state == State.FORWARDING;
        }

        @Override
        Channel peer() {
            return client;
        }
    }
}
