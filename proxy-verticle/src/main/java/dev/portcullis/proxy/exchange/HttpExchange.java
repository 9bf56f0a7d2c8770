package dev.portcullis.proxy.exchange;

import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
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
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The exchange state machine: relays HTTP between a client channel and the upstream its {@link Route} gives for
 * each request, both carrying Netty {@code HttpObject}s. Each request is routed (decided, rewritten) before a
 * byte of it goes upstream; a refused one is answered locally ({@link FailureMapper}): a denial with 403 and the
 * connection goes on (its body is dropped), anything else (400, 421, 503) closes it. Keep-alive and bodies of
 * any size pass with back-pressure; a {@code 101 Switching Protocols} (WebSocket) turns both sides into a plain
 * splice. Every request gets its own access record.
 *
 * <p>Requests are handled in order and the next is read only after the previous response ended, so a locally
 * made answer can never overtake an upstream one on a pipelined connection. Runs on the client channel's event
 * loop, which the upstream channel shares.
 */
public final class HttpExchange {

    /** The client channel's HTTP server codec, which the installer names so (removed on an upgrade). */
    public static final String CLIENT_CODEC = "portcullis-http-server";
    /** The upstream channel's HTTP client codec, which the route names so (removed on an upgrade). */
    public static final String UPSTREAM_CODEC = "portcullis-http-client";
    /** The check after the client codec that refuses ambiguous framing ({@code FramingCheck}), if installed. */
    public static final String FRAMING_CHECK = "portcullis-framing-check";
    private static final String CLIENT_SIDE = "portcullis-exchange-client";
    private static final String UPSTREAM_SIDE = "portcullis-exchange-upstream";
    private static final String VERTX_HANDLER = "handler";

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
    private boolean closeAfterResponse;
    /** Whether the upstream's response to the current request has begun reaching the client. */
    private boolean responseStarted;
    private long requestBytes;
    private long responseBytes;
    private ChannelFuture lastToClient;

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

    /** Starts on a client channel whose pipeline decodes HTTP up to {@code after} (its {@link #CLIENT_CODEC}). */
    public void start(Channel clientChannel, String after) {
        this.client = clientChannel;
        clientChannel.pipeline().addAfter(after, CLIENT_SIDE, new ClientSide());
    }

    private void onClientMessage(HttpObject message) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(message);
        } else if (!queued.isEmpty() || !canTake(message)) {
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
        current = records.get().put(AccessRecord.METHOD, request.method().name()).put(AccessRecord.PATH,
                request.uri());
        requestBytes = 0;
        responseBytes = 0;
        responseStarted = false;
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            Throwable cause = request.decoderResult().cause();
            answer(cause instanceof BadRequestException bad ? bad
                    : new BadRequestException(400, "malformed request: " + cause.getMessage()), true);
            return;
        }
        upgradeRequested = request.headers().contains(HttpHeaderNames.UPGRADE);
        closeAfterResponse = !HttpUtil.isKeepAlive(request);
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

    private void forward(HttpRequest request, Channel to) {
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(request);
            return;
        }
        if (to.pipeline().get(UPSTREAM_SIDE) == null) {
            // Before Vert.x's handler on a socket Vert.x opened; last on a channel of Netty's own (an HTTP/2
            // stream).
            if (to.pipeline().get(VERTX_HANDLER) != null) {
                to.pipeline().addBefore(VERTX_HANDLER, UPSTREAM_SIDE, new UpstreamSide());
            } else {
                to.pipeline().addLast(UPSTREAM_SIDE, new UpstreamSide());
            }
        }
        upstream = to;
        state = request instanceof LastHttpContent ? State.AWAITING_RESPONSE : State.FORWARDING;
        upstream.writeAndFlush(request);
        drainQueue();
        if (state == State.FORWARDING || state == State.DROPPING) {
            client.config().setAutoRead(upstream.isWritable());
        }
    }

    /** A denial is answered and the connection goes on; any other refusal ends it. */
    private void refused(HttpRequest request, Throwable failure) {
        boolean bodyFollows = !(request instanceof LastHttpContent);
        ReferenceCountUtil.release(request);
        if (state == State.CLOSED) {
            return;
        }
        if (failure instanceof DeniedException) {
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
            answer(new BadRequestException(400, "malformed request body: "
                    + content.decoderResult().cause().getMessage()), true);
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
                toClient(message);
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
        toClient(message);
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
        releaseQueued();
        // Once what was written to the client is out: on an HTTP/2 stream the last DATA frames may still wait for
        // the client's window (RFC 9113 §5.2), and closing the stream first would reset it and drop them.
        (lastToClient != null ? lastToClient : client.writeAndFlush(Unpooled.EMPTY_BUFFER))
                .addListener(ChannelFutureListener.CLOSE);
        if (upstream != null) {
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** What was read ahead and will never be served: the connection is closing. */
    private void releaseQueued() {
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
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
