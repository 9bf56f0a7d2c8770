package dev.portcullis.proxy.explicit;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.HttpDecideRequest;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.ForwardedRequest;
import dev.portcullis.proxy.request.RequestHead;
import dev.portcullis.proxy.request.RequestHeadParser;
import dev.portcullis.proxy.request.RequestTarget;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import dev.portcullis.proxy.splice.SpliceResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One client connection on the explicit listener, from its first byte to its access record:
 * read head → decide → resolve → guard → dial → answer → splice (a tunnel's ClientHello checked by
 * {@link NameCheckedSplice}) or decrypt. Nothing is sent upstream before the policy allowed it and the guard
 * passed the address.
 */
final class ExplicitConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ExplicitConnection.class);
    private static final Buffer ESTABLISHED =
            Buffer.buffer("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    /** Bytes a client may send after its head before the tunnel is open (e.g. an eager ClientHello). */
    private static final int MAX_EARLY_BYTES = 64 * 1024;

    private enum Stage { READING_HEAD, OPENING, SPLICING, DONE }

    private final NetSocket client;
    private final Stages stages;
    private final String listener;
    private final RequestHeadParser parser;
    private final AccessRecord record;
    private final String clientIp;
    private Stage stage = Stage.READING_HEAD;
    private long headTimer;
    private boolean clientClosed;
    private boolean logged;
    private Decision decision;
    private DecideRequest question;

    ExplicitConnection(NetSocket client, Stages stages, String listener) {
        this.client = client;
        this.stages = stages;
        this.listener = listener;
        this.parser = new RequestHeadParser(stages.options().getMaxRequestLine(), stages.options().getMaxHeaders());
        this.clientIp = client.remoteAddress().hostAddress();
        this.record = new AccessRecord(clientIp, listener, Json.wireName(Mode.EXPLICIT));
    }

    void start() {
        client.handler(this::onBytes);
        client.closeHandler(ignored -> onClientClosed());
        client.exceptionHandler(failure -> LOG.debug("client {} socket error: {}", clientIp, failure.getMessage()));
        long timeoutMs = stages.options().getRequestTimeout().toMillis();
        headTimer = stages.vertx().setTimer(timeoutMs, id -> {
            if (stage == Stage.READING_HEAD) {
                refuse(new BadRequestException(408, "request head not complete within " + timeoutMs + " ms"));
            }
        });
    }

    private void onBytes(Buffer bytes) {
        if (stage == Stage.OPENING) {
            if (parser.rest().length() + bytes.length() > MAX_EARLY_BYTES) {
                refuse(new BadRequestException(400, "more than " + MAX_EARLY_BYTES
                        + " bytes sent before the tunnel was established"));
                return;
            }
            parser.feed(bytes);
            return;
        }
        if (stage != Stage.READING_HEAD) {
            return;
        }
        try {
            if (parser.feed(bytes) == RequestHeadParser.State.DONE) {
                stages.vertx().cancelTimer(headTimer);
                stage = Stage.OPENING;
                // Stop reading until the tunnel is open: at most one more read lands in parser.rest().
                channelAutoRead(false);
                open(parser.head());
            }
        } catch (BadRequestException e) {
            refuse(e);
        }
    }

    private void open(RequestHead head) {
        record.put(AccessRecord.METHOD, head.method());
        RequestTarget target = RequestTarget.of(head);
        record.put(AccessRecord.HOST, target.host().value()).put(AccessRecord.PORT, target.port());
        boolean connect = head.isConnect();
        Buffer forwardedHead = connect ? null : ForwardedRequest.head(head, target);
        long bodyLength = connect ? Long.MAX_VALUE : ForwardedRequest.bodyLength(head);
        question = new DecideRequest(target.host().value(), target.port(), clientIp, listener,
                Mode.EXPLICIT, connect ? Protocol.TCP : Protocol.HTTP, null);
        stages.decider().decide(question)
                .compose(decision -> plainRequestAllowed(decision, head, target).compose(ok -> admit(decision, target)))
                .compose(addresses -> stages.dialer().dial(addresses, target.port()))
                .onComplete(dialled -> {
                    if (dialled.failed()) {
                        refuse(dialled.cause());
                    } else {
                        tunnel(dialled.result(), forwardedHead, bodyLength);
                    }
                });
    }

    private Future<List<String>> admit(Decision decision, RequestTarget target) {
        record.put(AccessRecord.RULE, decision.rule())
                .put(AccessRecord.VERDICT, Json.wireName(decision.verdict()))
                .put(AccessRecord.POLICY_VERSION, decision.policyVersion());
        if (!decision.allowed()) {
            return Future.failedFuture(new DeniedException(decision, target.host().value() + ":" + target.port()));
        }
        record.put(AccessRecord.INSPECTION, Json.wireName(decision.inspection()));
        this.decision = decision;
        return stages.resolver().resolve(target.host())
                .map(addresses -> stages.guards().guardFor(decision).allowed(addresses, target.port()));
    }

    /**
     * A plain-HTTP request under a decrypt rule is already readable: its rule's {@code http} entries apply to it
     * as they would after decryption.
     */
    private Future<Void> plainRequestAllowed(Decision decision, RequestHead head, RequestTarget target) {
        if (head.isConnect() || !decision.allowed() || decision.inspection() != Inspection.DECRYPT) {
            return Future.succeededFuture();
        }
        String path = target.originForm().split("\\?", 2)[0];
        return stages.interception().policy()
                .decideHttp(new HttpDecideRequest(target.host().value(), head.method(), path, decision.rule()))
                .compose(http -> http.allowed() ? Future.<Void>succeededFuture() : Future.failedFuture(
                        new DeniedException(decision, head.method() + " " + path, http.reason())));
    }

    private void tunnel(NetSocket upstream, Buffer forwardedHead, long bodyLength) {
        if (clientClosed) {
            upstream.close();
            finish("client closed before the tunnel opened");
            return;
        }
        stage = Stage.SPLICING;
        record.put(AccessRecord.RESOLVED, upstream.remoteAddress().hostAddress());
        Buffer early = parser.rest();
        Buffer first;
        long budget;
        if (forwardedHead == null && decision.inspection() == Inspection.DECRYPT) {
            client.write(ESTABLISHED);
            record.put(AccessRecord.STATUS, 200);
            new Interception(stages.interception(), client, upstream, decision, record.get(AccessRecord.HOST),
                    record).start(early).onComplete(ended -> finish(ended.result()));
            return;
        }
        if (forwardedHead == null) {
            client.write(ESTABLISHED);
            record.put(AccessRecord.STATUS, 200);
            new NameCheckedSplice(stages, client, upstream, decision, question, record).start(early)
                    .onComplete(ended -> finish(ended.result()));
            return;
        }
        int bodyBytes = (int) Math.min(early.length(), bodyLength);
        first = forwardedHead.copy().appendBuffer(early.getBuffer(0, bodyBytes));
        budget = bodyLength - bodyBytes;
        Splice.join(client, upstream, first, budget).onComplete(spliced -> {
            SpliceResult result = spliced.result();
            record.put(AccessRecord.BYTES_UP, early.length() + result.bytesUp())
                    .put(AccessRecord.BYTES_DOWN, result.bytesDown());
            finish(result.close());
        });
    }

    private void refuse(Throwable failure) {
        if (stage == Stage.SPLICING || stage == Stage.DONE) {
            return;
        }
        stages.vertx().cancelTimer(headTimer);
        ErrorResponse response = FailureMapper.toResponse(failure);
        if (response.status() >= 500 && response.status() != 502 && response.status() != 503) {
            LOG.warn("{} {}: {}", clientIp, response.status(), response.reason());
        }
        record.put(AccessRecord.STATUS, response.status());
        if (!clientClosed) {
            client.write(response.toBuffer()).onComplete(written -> client.close());
        }
        finish(response.reason());
    }

    private void onClientClosed() {
        clientClosed = true;
        if (stage == Stage.READING_HEAD) {
            stages.vertx().cancelTimer(headTimer);
            finish("client closed before completing a request");
        }
    }

    /** Ends the connection's life here: exactly one access record. */
    private void finish(String reason) {
        if (logged) {
            return;
        }
        stage = Stage.DONE;
        logged = true;
        if (!record.has(AccessRecord.REASON)) {
            // A stage that refused already said why; "closed" would only hide it.
            record.put(AccessRecord.REASON, reason);
        }
        stages.accessLog().write(record.finish());
    }

    private void channelAutoRead(boolean autoRead) {
        ((NetSocketInternal) client).channelHandlerContext().channel().config().setAutoRead(autoRead);
    }
}
