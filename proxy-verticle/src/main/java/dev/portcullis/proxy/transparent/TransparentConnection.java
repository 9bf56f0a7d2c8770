package dev.portcullis.proxy.transparent;

import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.guard.GuardRefusedException;
import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloPeek;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.hello.TlsAlert;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection redirected to a transparent listener, from its first byte to its access record (DESIGN §3):
 * peek the ClientHello (held, not consumed) → decide on the SNI → resolve the SNI with the gateway's own DNS →
 * guard → dial the listener's upstream port → let the very same ClientHello bytes through into a splice, or
 * terminate TLS for decrypt inspection. First bytes that are not TLS are read as plain HTTP
 * ({@link TransparentHttp}). A client that sends no byte within the silent timeout, or whose bytes are neither TLS
 * nor HTTP, is named by its original destination ({@link ByDestination}); one that starts but does not finish
 * its ClientHello within the hello timeout is closed with a logged reason.
 */
final class TransparentConnection {

    private static final Logger LOG = LoggerFactory.getLogger(TransparentConnection.class);
    /** Notes the first byte, so silence can be told from a ClientHello still arriving. */
    private static final String FIRST_BYTES = "portcullis-first-bytes";

    private final NetSocket client;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final int boundPort;
    private final String clientIp;
    private final AccessRecord record;
    private ClientHelloPeek peek;
    private long helloTimer;
    private long silentTimer;
    private boolean sawBytes;
    private boolean silent;
    private boolean handedOver;
    private boolean logged;

    /** @param boundPort the port the listener actually bound (differs from its config when that says 0) */
    TransparentConnection(NetSocket client, Stages stages, TransparentListenerOptions listener, int boundPort) {
        this.client = client;
        this.stages = stages;
        this.listener = listener;
        this.boundPort = boundPort;
        this.clientIp = client.remoteAddress().hostAddress();
        this.record = new AccessRecord(clientIp, listener.getName(), Json.wireName(Mode.TRANSPARENT));
    }

    /** Installs the peek before the first read (the connect handler runs before it, so no byte is missed). */
    void start() {
        record.put(AccessRecord.PORT, listener.getUpstreamPort());
        OriginalDestination.fromLocalAddress(client, boundPort).ifPresent(original ->
                record.put(AccessRecord.ORIGINAL_DST, original.getAddress().getHostAddress() + ":" + original.getPort()));
        peek = new ClientHelloPeek(this::onHello);
        channel().pipeline().addFirst(ClientHelloPeek.NAME, peek);
        channel().pipeline().addFirst(FIRST_BYTES, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sawBytes = true;
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            }
        });
        client.closeHandler(closed -> {
            stages.vertx().cancelTimer(helloTimer);
            stages.vertx().cancelTimer(silentTimer);
            if (!handedOver) {
                finish("closed");
            }
        });
        client.exceptionHandler(failure -> {
            if (!peek.looked()) {
                // Netty's hello decoder failed: an oversized or undecodable ClientHello; it closes the channel.
                record.put(AccessRecord.REASON, "ClientHello refused: " + rootMessage(failure));
            }
            LOG.debug("transparent client {} socket error: {}", clientIp, failure.getMessage());
        });
        long silentMs = stages.options().getSilentTimeout().toMillis();
        silentTimer = stages.vertx().setTimer(silentMs, id -> {
            if (!sawBytes && !peek.looked() && !handedOver) {
                silent = true;
                handedOver = true;
                stages.vertx().cancelTimer(helloTimer);
                byDestination().start(Buffer.buffer(), "no byte within " + silentMs + " ms (server-first)",
                        this::releasePeek);
            }
        });
        long timeoutMs = stages.options().getHelloTimeout().toMillis();
        helloTimer = stages.vertx().setTimer(timeoutMs, id -> {
            if (!peek.looked() && !silent) {
                record.put(AccessRecord.REASON, "no ClientHello or request within " + timeoutMs + " ms");
                client.close();
            }
        });
    }

    private ByDestination byDestination() {
        return new ByDestination(client, stages, listener, boundPort, record, this::finish);
    }

    /** The connection was decided without a ClientHello: the peek steps aside and lets bytes reach the relay. */
    private void releasePeek() {
        Channel channel = channel();
        channel.eventLoop().execute(() -> {
            ChannelHandlerContext ctx = channel.pipeline().context(peek);
            if (ctx != null) {
                peek.decideWithoutHello(ctx, new PeekOutcome.Pass());
            }
        });
    }

    private Future<PeekOutcome> onHello(ClientHello hello) {
        stages.vertx().cancelTimer(helloTimer);
        stages.vertx().cancelTimer(silentTimer);
        if (silent) {
            // Decided by destination already; these bytes are for the relay, which the peek now lets through.
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        if (!hello.tls()) {
            handedOver = true;
            new TransparentHttp(client, stages, listener, record, this::finish,
                    (first, why) -> byDestination().start(first, why, () -> { })).start();
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        record.put(AccessRecord.SNI, hello.sni());
        HostName host;
        try {
            host = hello.sni() != null ? HostName.parse(hello.sni()) : aimedAt();
        } catch (IllegalArgumentException e) {
            return refuse(TlsAlert.DECODE_ERROR, "invalid SNI: " + e.getMessage());
        }
        record.put(AccessRecord.HOST, host.value());
        DecideRequest question = new DecideRequest(host.value(), listener.getUpstreamPort(), clientIp,
                listener.getName(), Mode.TRANSPARENT, Protocol.TLS, hello.sni(), hello.ech());
        return Admission.admit(stages, question, host, record)
                .compose(admitted -> {
                    noteMismatch(host, admitted.upstream());
                    if (admitted.decision().inspection() == Inspection.DECRYPT) {
                        return new Interception(stages.interception(), client, admitted.upstream(),
                                admitted.decision(), host.value(), record).decrypt();
                    }
                    return splice(admitted.upstream());
                }, this::refuse);
    }

    /**
     * Joins client and upstream before the peek passes the held ClientHello on, so those bytes are the first
     * the upstream receives (VERTX-NOTES pitfall 10).
     */
    private Future<PeekOutcome> splice(NetSocket upstream) {
        handedOver = true;
        Channel upstreamChannel = ((NetSocketInternal) upstream).channelHandlerContext().channel();
        Splice.join(channel(), upstreamChannel, null, Long.MAX_VALUE).onComplete(done -> {
            record.put(AccessRecord.BYTES_UP, done.result().bytesUp())
                    .put(AccessRecord.BYTES_DOWN, done.result().bytesDown());
            finish(done.result().close());
        });
        return Future.succeededFuture(new PeekOutcome.Pass());
    }

    private Future<PeekOutcome> refuse(Throwable failure) {
        ErrorResponse response = FailureMapper.toResponse(failure);
        record.put(AccessRecord.STATUS, response.status());
        boolean policy = failure instanceof DeniedException || failure instanceof GuardRefusedException;
        return refuse(policy ? TlsAlert.ACCESS_DENIED : TlsAlert.INTERNAL_ERROR, response.reason());
    }

    private Future<PeekOutcome> refuse(int alert, String reason) {
        LOG.info("transparent {} refused for {}: {}", listener.getName(), clientIp, reason);
        record.put(AccessRecord.REASON, reason);
        return Future.succeededFuture(new PeekOutcome.Refuse(alert, reason));
    }

    /**
     * Without SNI only the address the client aimed at is known: the original destination under TPROXY, else
     * (REDIRECT) the listener's own address, which the guard refuses. The policy's {@code no-sni} action decides
     * first; only its {@code allow} lets an address rule match this.
     */
    private HostName aimedAt() {
        return HostName.parse(client.localAddress().hostAddress());
    }

    private void noteMismatch(HostName host, NetSocket upstream) {
        SocketAddress local = client.localAddress();
        if (record.has(AccessRecord.ORIGINAL_DST) && !local.hostAddress().equals(upstream.remoteAddress().hostAddress())) {
            LOG.info("transparent client {} aimed at {} for {}, which the gateway resolves to {}: connected there",
                    clientIp, local.hostAddress(), host.value(), upstream.remoteAddress().hostAddress());
        }
    }

    /** Ends the connection's life here: exactly one access record. */
    private void finish(String reason) {
        if (logged) {
            return;
        }
        logged = true;
        if (!record.has(AccessRecord.REASON)) {
            record.put(AccessRecord.REASON, reason);
        }
        stages.accessLog().write(record.finish());
    }

    private Channel channel() {
        return ((NetSocketInternal) client).channelHandlerContext().channel();
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
