package dev.portcullis.proxy.transparent;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.admit.Admitted;
import dev.portcullis.proxy.admit.Payload;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloPeek;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.respond.TlsAlert;
import dev.portcullis.proxy.splice.Splice;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection redirected to a transparent listener (README, "What happens to one connection (transparent
 * listener)"): peek the ClientHello (held, not consumed) → admit on its SNI, resolved again by the gateway's own
 * DNS → let the very same ClientHello bytes through into a splice, or terminate TLS for decrypt inspection. First
 * bytes that are not TLS are read as plain HTTP ({@link TransparentHttp}). A client that sends no byte within the
 * silent timeout, or whose bytes are neither TLS nor HTTP, is named by its original destination
 * ({@link ByDestination}); one that starts but does not finish its ClientHello within the hello timeout is closed
 * with a logged reason.
 */
final class TransparentConnection {

    private static final Logger LOG = LoggerFactory.getLogger(TransparentConnection.class);
    /** Notes the first byte, so silence can be told from a ClientHello still arriving. */
    private static final String FIRST_BYTES = "portcullis-first-bytes";

    private final ClientConnection connection;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final int boundPort;
    private ClientHelloPeek peek;
    private long helloTimer;
    private boolean sawBytes;
    private boolean silent;

    /** @param boundPort the port the listener actually bound (differs from its config when that says 0) */
    TransparentConnection(NetSocket socket, Stages stages, TransparentListenerOptions listener, int boundPort) {
        this.stages = stages;
        this.listener = listener;
        this.boundPort = boundPort;
        this.connection = stages.accept(socket, listener.getName(), Json.wireName(Mode.TRANSPARENT));
    }

    /** Installs the peek before the first read (the connect handler runs before it, so no byte is missed). */
    void start() {
        // Closed, not answered, over a limit: before its first bytes, a transparent client's protocol is unknown.
        if (!connection.withinLimits(false)) {
            return;
        }
        AccessRecord record = connection.record();
        record.put(AccessRecord.PORT, listener.getUpstreamPort());
        OriginalDestination.fromLocalAddress(connection.socket(), boundPort).ifPresent(original -> record.put(
                AccessRecord.ORIGINAL_DST, original.getAddress().getHostAddress() + ":" + original.getPort()));
        connection.whileOpen("closed");
        peek = new ClientHelloPeek(this::onHello, connection::refusedBecause);
        Channel channel = connection.channel();
        channel.pipeline().addFirst(ClientHelloPeek.NAME, peek);
        channel.pipeline().addFirst(FIRST_BYTES, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sawBytes = true;
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            }
        });
        connection.onError(failure -> {
            if (!peek.looked()) {
                // Netty's hello decoder failed: an oversized or undecodable ClientHello; it closes the channel.
                record.put(AccessRecord.REASON, "ClientHello refused: " + rootMessage(failure));
            }
        });
        long silentMs = stages.options().getSilentTimeout().toMillis();
        long silentTimer = connection.timer(stages.options().getSilentTimeout(), () -> {
            if (!sawBytes && !peek.looked()) {
                silent = true;
                connection.cancel(helloTimer);
                byDestination().start(Buffer.buffer(), "no byte within " + silentMs + " ms (server-first)",
                        this::releasePeek);
            }
        });
        long helloMs = stages.options().getHelloTimeout().toMillis();
        helloTimer = connection.timer(stages.options().getHelloTimeout(), () -> {
            if (!peek.looked() && !silent) {
                connection.cancel(silentTimer);
                connection.close("no ClientHello or request within " + helloMs + " ms");
            }
        });
    }

    private ByDestination byDestination() {
        return new ByDestination(connection, stages, listener, boundPort);
    }

    /** The connection was decided without a ClientHello: the peek steps aside and lets bytes reach the relay. */
    private void releasePeek() {
        Channel channel = connection.channel();
        channel.eventLoop().execute(() -> {
            ChannelHandlerContext ctx = channel.pipeline().context(peek);
            if (ctx != null) {
                peek.decideWithoutHello(ctx, new PeekOutcome.Pass());
            }
        });
    }

    private Future<PeekOutcome> onHello(ClientHello hello) {
        connection.cancel(helloTimer);
        if (silent) {
            // Decided by destination already; these bytes are for the relay, which the peek now lets through.
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        if (!hello.tls()) {
            new TransparentHttp(connection, stages, listener,
                    (first, why) -> byDestination().start(first, why, () -> { })).start();
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        connection.headFinished();
        connection.record().put(AccessRecord.SNI, hello.sni());
        if (hello.ech()) {
            connection.record().put(AccessRecord.ECH, true);
        }
        HostName host;
        try {
            host = hello.sni() != null ? HostName.parse(hello.sni()) : aimedAt();
        } catch (IllegalArgumentException e) {
            return connection.refuseHello(TlsAlert.DECODE_ERROR, "invalid SNI: " + e.getMessage());
        }
        DecideRequest question = new DecideRequest(host.value(), listener.getUpstreamPort(), connection.clientIp(),
                listener.getName(), Mode.TRANSPARENT, Protocol.TLS, hello.sni(), hello.ech());
        return stages.admission().admit(connection, question, host, new Payload.Tls())
                .compose(admitted -> {
                    noteMismatch(host, admitted.upstream());
                    if (admitted.decision().inspection() == Inspection.DECRYPT) {
                        return new Interception(stages.interception(), connection, admitted.upstream(),
                                admitted.decision(), host.value(), hello.alpn()).decrypt();
                    }
                    return splice(admitted);
                }, connection::refuseHello);
    }

    /**
     * Joins client and upstream before the peek passes the held ClientHello on, so those bytes are the first
     * the upstream receives.
     */
    private Future<PeekOutcome> splice(Admitted admitted) {
        connection.endWith(Splice.join(connection.channel(), Sockets.channel(admitted.upstream()), null), 0);
        return Future.succeededFuture(new PeekOutcome.Pass());
    }

    /**
     * Without SNI only the address the client aimed at is known: the original destination under TPROXY, else
     * (REDIRECT) the listener's own address, which the guard refuses. The policy's {@code no-sni} action decides
     * first; only its {@code allow} lets an address rule match this.
     */
    private HostName aimedAt() {
        return HostName.parse(connection.socket().localAddress().hostAddress());
    }

    private void noteMismatch(HostName host, NetSocket upstream) {
        SocketAddress local = connection.socket().localAddress();
        if (connection.record().has(AccessRecord.ORIGINAL_DST)
                && !local.hostAddress().equals(upstream.remoteAddress().hostAddress())) {
            LOG.info("transparent client {} aimed at {} for {}, which the gateway resolves to {}: connected there",
                    connection.clientIp(), local.hostAddress(), host.value(), upstream.remoteAddress().hostAddress());
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
