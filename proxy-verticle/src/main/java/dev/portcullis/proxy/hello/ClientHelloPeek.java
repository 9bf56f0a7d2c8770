package dev.portcullis.proxy.hello;

import dev.portcullis.proxy.respond.TlsAlert;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Holds a connection's first bytes until its ClientHello is complete (across records and TCP segments, bounded
 * in size by Netty's {@link SslClientHelloHandler}), asks {@code decide} what to do, then terminates TLS,
 * passes the untouched bytes on, or refuses with an alert. Reading stays suspended while the decision is
 * pending, so nothing the client sends is lost or forwarded early.
 */
public final class ClientHelloPeek extends SslClientHelloHandler<PeekOutcome> {

    /** Pipeline name of this handler. */
    public static final String NAME = "portcullis-peek";
    /** Largest ClientHello accepted; a post-quantum key share is ~1.2 KiB, so 16 KiB is generous. */
    public static final int MAX_CLIENT_HELLO = 16 * 1024;

    private final Function<ClientHello, io.vertx.core.Future<PeekOutcome>> decide;
    private final Consumer<String> refused;
    /** RFC 8446 §5.1 ContentType handshake(22). */
    private static final int HANDSHAKE = 22;
    private boolean looked;
    private boolean notTlsPending;
    /** Whether the first bytes are a TLS handshake record header (content type 22, major version 3). */
    private boolean handshakeRecord;

    /**
     * @param decide called once, on the channel's event loop, with the parsed hello ({@link ClientHello#NOT_TLS}
     *               when the first bytes are not TLS); a failed future refuses with {@link TlsAlert#INTERNAL_ERROR}
     */
    public ClientHelloPeek(Function<ClientHello, io.vertx.core.Future<PeekOutcome>> decide) {
        this(decide, reason -> { });
    }

    /**
     * @param refused told the reason of every refusal, including the peek's own (a malformed hello, a failed
     *                decision), so that the connection's record says why it ended
     */
    public ClientHelloPeek(Function<ClientHello, io.vertx.core.Future<PeekOutcome>> decide,
                           Consumer<String> refused) {
        super(MAX_CLIENT_HELLO);
        this.decide = decide;
        this.refused = refused;
    }

    /** Whether a ClientHello (or non-TLS bytes) has arrived and been handed to {@code decide}. */
    public boolean looked() {
        return looked;
    }

    /**
     * A TLS connection's first byte is a handshake record's content type (RFC 8446 §5.1). Anything else is not
     * TLS, and is decided at once rather than after five bytes that a short greeting (SOCKS5's three) never
     * sends. What starts like TLS goes to Netty only once it holds the whole ClientHello (or something Netty
     * refuses on its own): Netty 4.2.12 miscounts the bytes left by 4 for every record it joins, so a hello over
     * several records whose last record has not fully arrived is read past the end, and that failure is reported
     * as "not TLS": the same hello would pass or be checked depending on how TCP cut it.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (notTlsPending) {
            return;                        // the bytes stay in the cumulation until the outcome is applied
        }
        if (!looked && in.isReadable() && in.getUnsignedByte(in.readerIndex()) != HANDSHAKE) {
            notTlsPending = true;
            Future<PeekOutcome> decided = lookup(ctx, null);
            decided.addListener(done -> {
                notTlsPending = false;
                onLookupComplete(ctx, decided);
            });
            return;
        }
        if (!looked && !wholeHelloOrOther(in)) {
            return;     // wait for more bytes
        }
        if (!looked && in.readableBytes() >= 2) {
            handshakeRecord = in.getUnsignedByte(in.readerIndex()) == HANDSHAKE
                    && in.getUnsignedByte(in.readerIndex() + 1) == 3;
        }
        super.decode(ctx, in, out);
    }

    /**
     * Whether {@code in} holds complete handshake records that carry the whole ClientHello, or bytes that are not
     * a complete handshake record in the right place (for Netty to judge: not TLS, too long, not a ClientHello).
     */
    private static boolean wholeHelloOrOther(ByteBuf in) {
        int position = in.readerIndex();
        int end = in.writerIndex();
        long carried = 0;
        int header = 0;         // the handshake header's first 4 bytes (RFC 8446 §4), as they are read
        while (end - position >= 5) {
            if (in.getUnsignedByte(position) != 22 || in.getUnsignedByte(position + 1) != 3) {
                return true;
            }
            int length = in.getUnsignedShort(position + 3);
            if (length == 0) {
                return true;
            }
            if (end - position - 5 < length) {
                return false;
            }
            for (int i = 0; i < length && carried + i < 4; i++) {
                header = header << 8 | in.getUnsignedByte(position + 5 + i);
            }
            carried += length;
            position += 5 + length;
            if (carried >= 4) {
                int type = header >>> 24;
                int helloLength = header & 0xffffff;
                if (type != 1 || helloLength > MAX_CLIENT_HELLO || carried >= helloLength + 4L) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    protected Future<PeekOutcome> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        if (looked) {
            // After a refusal the decoder may call again while the close is in flight (a refusal closes asynchronously).
            return ctx.executor().newFailedFuture(new IllegalStateException("already decided"));
        }
        looked = true;
        if (clientHello == null && handshakeRecord) {
            // Netty found no ClientHello in a handshake record (zero-length record, another handshake type, a
            // header it could not read). Passing that on as "not TLS" would skip the SNI check for a server that
            // reads past it: refuse instead.
            return ctx.executor().newSucceededFuture(new PeekOutcome.Refuse(TlsAlert.DECODE_ERROR,
                    "malformed ClientHello: a TLS handshake record without a ClientHello Netty can read"));
        }
        ClientHello hello;
        try {
            hello = clientHello == null ? ClientHello.NOT_TLS : ClientHelloParser.parse(clientHello);
        } catch (MalformedClientHelloException e) {
            return ctx.executor().newSucceededFuture(new PeekOutcome.Refuse(TlsAlert.DECODE_ERROR,
                    "malformed ClientHello: " + e.getMessage()));
        }
        Promise<PeekOutcome> promise = ctx.executor().newPromise();
        decide.apply(hello).onComplete(decided -> {
            if (decided.succeeded()) {
                promise.trySuccess(decided.result());
            } else {
                promise.tryFailure(decided.cause());
            }
        });
        return promise;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<PeekOutcome> future) {
        if (!future.isSuccess()) {
            refused.accept("ClientHello decision failed: " + future.cause().getMessage());
            refuse(ctx, TlsAlert.INTERNAL_ERROR);
            return;
        }
        apply(ctx, future.getNow());
    }

    /** Carries out an outcome decided without a ClientHello (e.g. the client stayed silent). On the event loop. */
    public void decideWithoutHello(ChannelHandlerContext ctx, PeekOutcome outcome) {
        looked = true;
        apply(ctx, outcome);
    }

    private void apply(ChannelHandlerContext ctx, PeekOutcome outcome) {
        if (ctx.isRemoved()) {
            // The pipeline was torn down while the decision was pending (the client left): nothing to apply.
            return;
        }
        if (outcome instanceof PeekOutcome.Terminate terminate) {
            SslHandler ssl = terminate.context().newHandler(ctx.alloc());
            ctx.pipeline().replace(this, "ssl", ssl);
            terminate.afterTls().accept(ctx.pipeline());
        } else if (outcome instanceof PeekOutcome.Pass) {
            ctx.pipeline().remove(this);
        } else if (outcome instanceof PeekOutcome.Refuse refuse) {
            refused.accept(refuse.reason());
            refuse(ctx, refuse.alert());
        }
    }

    private static void refuse(ChannelHandlerContext ctx, int alert) {
        ctx.writeAndFlush(TlsAlert.fatal(alert)).addListener(ChannelFutureListener.CLOSE);
    }
}
