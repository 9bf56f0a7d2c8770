package dev.portcullis.proxy.exchange;

import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.dial.UpstreamConnectException;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The exchange state machine: relays HTTP between a client channel and the upstream its {@link Route} gives for
 * each request, both carrying Netty {@code HttpObject}s. Each request is routed (decided, rewritten) before a
 * byte of it goes upstream; a refused one is answered locally ({@link FailureMapper}): a refusal about its
 * destination (403, 502, 504) and the connection goes on (its body is dropped), anything else (400, 421, 503)
 * closes it. Keep-alive and bodies of any size pass with back-pressure; a {@code 101 Switching Protocols}
 * (WebSocket) turns both sides into a plain splice. Every request gets its own access record.
 *
 * <p>Requests are handled in order and the next is read only after the previous response ended, so a locally
 * made answer can never overtake an upstream one on a pipelined connection. Runs on the client channel's event
 * loop, which the upstream channels share.
 *
 * <p>The client connection's persistence is the exchange's to decide (RFC 9112 §9.6), apart from the upstream's:
 * it closes after a response when the client asked so, when the response is delimited by the close of the
 * connection (RFC 9112 §6.3), or when the upstream closes and the route cannot connect again. A route that
 * {@linkplain Route#redials() redials} may retire an upstream between requests; the exchange then forgets it
 * and ignores what that channel does afterwards.
 */
public final class HttpExchange {

    /** The client channel's HTTP server codec, which {@link Http1Codecs} names so (removed on an upgrade). */
    public static final String CLIENT_CODEC = "portcullis-http-server";
    /** The upstream channel's HTTP client codec, which {@link Http1Codecs} names so (removed on an upgrade). */
    public static final String UPSTREAM_CODEC = "portcullis-http-client";
    /** The check after the client codec that refuses ambiguous framing ({@code FramingCheck}), if installed. */
    public static final String FRAMING_CHECK = "portcullis-framing-check";
    private static final String CLIENT_SIDE = "portcullis-exchange-client";
    private static final String UPSTREAM_SIDE = "portcullis-exchange-upstream";

    private enum State { IDLE, ROUTING, FORWARDING, DROPPING, AWAITING_RESPONSE, UPGRADED, CLOSED }

    private final Route route;
    private final Supplier<AccessRecord> records;
    private final Consumer<JsonObject> accessLog;
    private final Deque<HttpObject> queued = new ArrayDeque<>();
    private Channel client;
    private Channel upstream;
    private State state = State.IDLE;
    private AccessRecord current;
    private boolean upgradeRequested;
    private boolean headRequest;
    private boolean clientHttp10;
    private boolean closeClientAfterResponse;
    /** The node drains: the request in hand is answered with {@code Connection: close}, no other is taken. */
    private boolean draining;
    private boolean retireUpstreamAfterResponse;
    /** A 1xx response head went to the client; its empty content ends it, not the request's response. */
    private boolean interimResponse;
    /** The client's last message left a request unfinished (its body still to come). */
    private boolean clientMidRequest;
    private boolean clientInputEnded;
    private Consumer<Boolean> awaitingListener = awaiting -> { };
    private boolean awaiting;
    private long requestBytes;
    private long responseBytes;
    private ChannelFuture lastToClient;
    /** Whether the upstream's response to the current request has begun reaching the client. */
    private boolean responseStarted;

    /**
     * @param route     where each request goes, once decided
     * @param records   a new access record with the connection's fields, one per request
     * @param accessLog where finished records go
     */
    public HttpExchange(Route route, Supplier<AccessRecord> records, Consumer<JsonObject> accessLog) {
        this.route = route;
        this.records = records;
        this.accessLog = accessLog;
    }

    /** Starts on a client channel whose pipeline decodes HTTP up to {@code after} ({@link Http1Codecs}). */
    public void start(Channel clientChannel, String after) {
        this.client = clientChannel;
        clientChannel.pipeline().addAfter(after, CLIENT_SIDE, new ClientSide());
    }

    /**
     * Tells {@code listener} when the exchange starts waiting for the client's next request ({@code true}: every
     * request so far answered, none arrived) and when one arrives ({@code false}), for a deadline between requests.
     */
    public void onAwaitingRequest(Consumer<Boolean> listener) {
        this.awaitingListener = listener;
    }

    private void awaiting(boolean now) {
        if (awaiting != now) {
            awaiting = now;
            awaitingListener.accept(now);
        }
    }

    /**
     * The node drains (README, "Drain and rolling restarts"): a connection waiting for its next request closes now,
     * one with a request in hand answers it with {@code Connection: close} (RFC 9112 §9.6) and then closes, so a
     * client learns to go elsewhere without a request lost. Requests it already sent after that one are not
     * served: the close tells the client they were not processed (RFC 9112 §9.3.1).
     */
    public void drain() {
        draining = true;
        closeClientAfterResponse = true;
        if (state == State.IDLE && awaiting && queued.isEmpty()) {
            closeBoth();
        }
    }

    /**
     * The client half-closed (RFC 9293 §3.6: it may still read). The requests it sent whole are answered, then the
     * connection closes; a request it left unfinished can never be completed, so the connection closes now.
     */
    public void clientEnded() {
        clientInputEnded = true;
        if (state == State.CLOSED) {
            return;
        }
        if (clientMidRequest) {
            if (current != null) {
                current.put(AccessRecord.REASON, "client ended its request before it was complete");
                finishRecord();
            }
            closeBoth();
        } else {
            endIfAnswered();
        }
    }

    /**
     * A new policy version denies what the current upstream was admitted for ({@code proxy.revoke-on-change}):
     * that upstream is closed. A request in flight on it ends with reason {@link AccessRecord#REVOKED} and the
     * client connection with it, as its response cannot be completed; between requests only the upstream goes,
     * and the next request is decided again.
     *
     * @param why the denying rule and version, for {@link AccessRecord#REVOKED_BY}
     */
    public void revokeUpstream(String why) {
        if (upstream == null || state == State.CLOSED) {
            return;
        }
        if (inFlight()) {
            if (current != null) {
                current.put(AccessRecord.REVOKED_BY, why).put(AccessRecord.REASON, AccessRecord.REVOKED);
                finishRecord();
            }
            closeBoth();
        } else {
            Channel revoked = upstream;
            upstream = null;
            revoked.close();
        }
    }

    private boolean inFlight() {
        return state == State.FORWARDING || state == State.AWAITING_RESPONSE || state == State.UPGRADED;
    }

    private void onClientMessage(HttpObject message) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(message);
            return;
        }
        clientMidRequest = !(message instanceof LastHttpContent);
        if (!queued.isEmpty() || !canTake(message)) {
            // Arrived before its turn (a pipelined request, or a body while its request is routed): keep it, and
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
        } else if (state == State.IDLE) {
            // The rest of a body whose response already ended (the server answered early): nobody reads it.
            ReferenceCountUtil.release(message);
        } else {
            onRequestContent((HttpContent) message);
        }
    }

    private void startRequest(HttpRequest request) {
        awaiting(false);
        current = records.get().put(AccessRecord.METHOD, request.method().name()).put(AccessRecord.PATH,
                request.uri());
        requestBytes = 0;
        responseBytes = 0;
        responseStarted = false;
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            answer(decodeFailure(request.decoderResult().cause()), true);
            return;
        }
        headRequest = HttpMethod.HEAD.equals(request.method());
        clientHttp10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        closeClientAfterResponse = draining || !HttpUtil.isKeepAlive(request);
        retireUpstreamAfterResponse = false;
        interimResponse = false;
        state = State.ROUTING;
        client.config().setAutoRead(false);
        route.route(request, current).onComplete(routed -> client.eventLoop().execute(() -> {
            if (routed.succeeded()) {
                forward(request, routed.result());
            } else {
                refused(request, routed.cause());
            }
        }));
    }

    /** The codec's reason for a request it could not read, with the status the README gives it. */
    private static BadRequestException decodeFailure(Throwable cause) {
        if (cause instanceof BadRequestException bad) {
            return bad;
        }
        if (cause instanceof TooLongHttpLineException) {
            return new BadRequestException(414, "request line too long: " + cause.getMessage());
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new BadRequestException(431, "request header block too large: " + cause.getMessage());
        }
        return new BadRequestException(400, "malformed request: " + cause.getMessage());
    }

    private void forward(HttpRequest request, Channel to) {
        if (state == State.CLOSED) {
            // The client left while the request was routed: an upstream connected for it has no one to serve.
            ReferenceCountUtil.release(request);
            to.close();
            return;
        }
        if (!to.isActive()) {
            // Closed between the route's answer and now (an idle keep-alive upstream timing out).
            refused(request, new UpstreamConnectException("upstream closed before the request was sent", false));
            return;
        }
        if (to.pipeline().get(UPSTREAM_SIDE) == null) {
            // Before Vert.x's handler on a socket Vert.x opened; last on a channel of Netty's own (an HTTP/2
            // stream).
            if (to.pipeline().get(Sockets.VERTX_HANDLER) != null) {
                to.pipeline().addBefore(Sockets.VERTX_HANDLER, UPSTREAM_SIDE, new UpstreamSide());
            } else {
                to.pipeline().addLast(UPSTREAM_SIDE, new UpstreamSide());
            }
        }
        upstream = to;
        // As routed: a forward route removes Upgrade (hop-by-hop), so only a request still asking may switch.
        upgradeRequested = request.headers().contains(HttpHeaderNames.UPGRADE);
        state = request instanceof LastHttpContent ? State.AWAITING_RESPONSE : State.FORWARDING;
        upstream.writeAndFlush(request);
        drainQueue();
        if (state == State.FORWARDING || state == State.DROPPING) {
            client.config().setAutoRead(upstream.isWritable());
        }
    }

    /** A refusal about the destination is answered and the connection goes on; any other ends it. */
    private void refused(HttpRequest request, Throwable failure) {
        boolean bodyFollows = !(request instanceof LastHttpContent);
        ReferenceCountUtil.release(request);
        if (state == State.CLOSED) {
            return;
        }
        if (!FailureMapper.endsConnection(failure) && !closeClientAfterResponse) {
            answer(failure, false);
            state = bodyFollows ? State.DROPPING : State.IDLE;
            drainQueue();
        } else {
            answer(failure, true);
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
        if (content.decoderResult().isFailure()) {
            // A body the codec could not read (a malformed chunk): passing its end on would give the upstream a
            // cut body as a whole one, so both connections end and the upstream sees the body cut.
            content.release();
            String why = "malformed request body: " + content.decoderResult().cause().getMessage();
            if (current != null && !responseStarted) {
                answer(new BadRequestException(400, why), true);
                return;
            }
            if (current != null) {
                current.put(AccessRecord.REASON, why);
                finishRecord();
            }
            closeBoth();
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

    /** Serves what arrived early, in order, while the state allows; reads again when the queue is empty. */
    private void drainQueue() {
        while (!queued.isEmpty() && state != State.CLOSED && canTake(queued.peek())) {
            take(queued.poll());
        }
        if (queued.isEmpty() && (state == State.IDLE || state == State.FORWARDING || state == State.DROPPING)) {
            client.config().setAutoRead(true);
        }
        endIfAnswered();
        if (state == State.IDLE && queued.isEmpty()) {
            awaiting(true);
        }
    }

    /** A client that half-closed is closed once every request it sent whole has been answered. */
    private void endIfAnswered() {
        if (clientInputEnded && state == State.IDLE && queued.isEmpty()) {
            closeBoth();
        }
    }

    private void onUpstreamMessage(HttpObject message) {
        if (message.decoderResult().isFailure()) {
            ReferenceCountUtil.release(message);
            malformedResponse(message instanceof HttpResponse, message.decoderResult().cause());
            return;
        }
        if (message instanceof HttpResponse response) {
            responseStarted = true;
            int status = response.status().code();
            if (status == 101 && upgradeRequested) {
                current.put(AccessRecord.STATUS, status);
                toClient(message);
                upgrade();
                return;
            }
            if (status >= 100 && status < 200 && status != 101) {
                // RFC 9110 §15.2: an interim answer (100 Continue, 103 Early Hints); the final one follows.
                interimResponse = true;
                route.respond(response);
            } else {
                finalResponse(response);
            }
        }
        if (message instanceof HttpContent content && !interimResponse) {
            responseBytes += content.content().readableBytes();
        }
        boolean last = message instanceof LastHttpContent;
        toClient(message);
        if (!client.isWritable()) {
            upstream.config().setAutoRead(false);
        }
        if (last) {
            if (interimResponse) {
                interimResponse = false;
                return;
            }
            responseEnded();
        }
    }

    /**
     * The upstream's codec could not read its response: a head not yet relayed is answered with a 502; a response
     * cut in its body can only end with the connection.
     */
    private void malformedResponse(boolean head, Throwable cause) {
        String why = "malformed response from upstream: " + cause.getMessage();
        if (head && !interimResponse) {
            answer(new UpstreamProtocolException(why), true);
            return;
        }
        if (current != null) {
            current.put(AccessRecord.REASON, why);
            finishRecord();
        }
        closeBoth();
    }

    /** Says, before the head goes to the client, what becomes of both connections after this response. */
    private void finalResponse(HttpResponse response) {
        current.put(AccessRecord.STATUS, response.status().code());
        if (!HttpUtil.isKeepAlive(response)) {
            if (route.redials()) {
                retireUpstreamAfterResponse = true;
            } else {
                closeClientAfterResponse = true;
            }
        }
        if (!selfDelimited(response)) {
            // RFC 9112 §6.3 rule 8: its end is the close of the connection, for the client too.
            closeClientAfterResponse = true;
        }
        route.respond(response);
        if (clientHttp10 && HttpUtil.isTransferEncodingChunked(response)) {
            // An HTTP/1.0 client cannot read chunked (RFC 9112 §7.1): the close delimits the body instead.
            HttpUtil.setTransferEncodingChunked(response, false);
            closeClientAfterResponse = true;
        }
        if (closeClientAfterResponse) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** Whether the response's end can be told without the connection closing (RFC 9112 §6.3). */
    private boolean selfDelimited(HttpResponse response) {
        int status = response.status().code();
        return headRequest || status == 204 || status == 304 || HttpUtil.isContentLengthSet(response)
                || HttpUtil.isTransferEncodingChunked(response);
    }

    private void responseEnded() {
        finishRecord();
        if (state == State.FORWARDING) {
            // The server answered before the request's body was all sent: that upstream's stream of requests is
            // out of step (it would read the next request as the rest of this body), so it is not used again.
            if (route.redials()) {
                retireUpstreamAfterResponse = true;
            } else {
                closeClientAfterResponse = true;
            }
        }
        if (closeClientAfterResponse) {
            closeBoth();
            return;
        }
        if (retireUpstreamAfterResponse) {
            Channel retired = upstream;
            upstream = null;
            retired.close();
        }
        state = State.IDLE;
        drainQueue();
    }

    private void upgrade() {
        state = State.UPGRADED;
        current.put(AccessRecord.REASON, "upgraded");
        finishRecord();
        // Relays first, so bytes the codecs still hold go to them when the codecs are removed.
        Splice.join(client, upstream, null);
        client.pipeline().remove(CLIENT_SIDE);
        if (client.pipeline().get(FRAMING_CHECK) != null) {
            client.pipeline().remove(FRAMING_CHECK);
        }
        client.pipeline().remove(CLIENT_CODEC);
        upstream.pipeline().remove(UPSTREAM_SIDE);
        upstream.pipeline().remove(UPSTREAM_CODEC);
    }

    /** Answers the current request locally, as {@link FailureMapper} says, and records why. */
    private void answer(Throwable failure, boolean close) {
        ErrorResponse response = FailureMapper.toResponse(failure);
        current.put(AccessRecord.STATUS, response.status());
        if (!current.has(AccessRecord.REASON)) {
            current.put(AccessRecord.REASON, response.reason());
        }
        if (close) {
            state = State.CLOSED;
            finishRecord();
            releaseQueued();
            toClient(response.toHttpResponse(true)).addListener(ChannelFutureListener.CLOSE);
            if (upstream != null) {
                upstream.close();
            }
        } else {
            toClient(response.toHttpResponse(false));
            finishRecord();
        }
    }

    private ChannelFuture toClient(Object message) {
        lastToClient = client.writeAndFlush(message);
        return lastToClient;
    }

    /** What was read ahead and will never be served: the connection is closing. */
    private void releaseQueued() {
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
    }

    private void finishRecord() {
        if (current != null) {
            accessLog.accept(current.put(AccessRecord.BYTES_UP, requestBytes)
                    .put(AccessRecord.BYTES_DOWN, responseBytes).finish());
            current = null;
            route.ended();
        }
    }

    private void closeBoth() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        awaiting(false);
        releaseQueued();
        // Once what was written to the client is out: on an HTTP/2 stream the last DATA frames may still wait for
        // the client's window (RFC 9113 §5.2), and closing the stream first would reset it and drop them.
        (lastToClient != null ? lastToClient : client.writeAndFlush(Unpooled.EMPTY_BUFFER))
                .addListener(ChannelFutureListener.CLOSE);
        if (upstream != null) {
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
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
            Channel peer = peer();
            if (ctx.channel().isWritable() && peer != null && peerMayRead()) {
                peer.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed();
            ctx.fireChannelInactive();
        }

        void closed() {
            if (current != null) {
                if (!current.has(AccessRecord.REASON)) {
                    current.put(AccessRecord.REASON, closedReason);
                }
                finishRecord();
            }
            closeBoth();
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
            if (msg instanceof HttpObject http && state != State.CLOSED && ctx.channel() == upstream) {
                onUpstreamMessage(http);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != upstream) {
                // An upstream the route retired or a revocation closed: no longer this exchange's.
                ctx.fireChannelInactive();
            } else if (route.redials() && !inFlight()) {
                // Closed between requests (an idle keep-alive upstream timing out): the next request gets another.
                upstream = null;
                ctx.fireChannelInactive();
            } else {
                super.channelInactive(ctx);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == upstream) {
                super.channelWritabilityChanged(ctx);
            } else {
                ctx.fireChannelWritabilityChanged();
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
