package dev.portcullis.proxy.intercept;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import javax.net.ssl.SSLParameters;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * TLS to the server of a decrypted connection, on the upstream channel (README, "Decrypt inspection", step 2):
 * the SNI name and hostname verification against it (RFC 6125, the JDK's "HTTPS" algorithm), the offered ALPN,
 * and the server's certificate and selected protocol once verified. What the server sends after its handshake (an
 * HTTP/2 server's SETTINGS come at once) is held until the inspector's codecs are in place ({@link Held#release}),
 * so no byte reaches Vert.x's handler.
 */
public final class UpstreamTls {

    /** Pipeline name of the upstream's SslHandler, as Vert.x names its own. */
    static final String SSL = "ssl";
    private static final String HOLD = "portcullis-upstream-hold";

    /**
     * @param protocol the protocol the server selected, or {@code null} when it selected none
     * @param server   its verified leaf certificate
     * @param held     holds its first decrypted bytes until the inspector is installed
     */
    public record Verified(String protocol, X509Certificate server, Held held) {
    }

    private UpstreamTls() {
    }

    /** @return the verified handshake, or the handshake's failure */
    public static Future<Verified> handshake(Channel channel, SslContext context, String host, int port) {
        Promise<Verified> verified = Promise.promise();
        channel.eventLoop().execute(() -> {
            SslHandler ssl = context.newHandler(channel.alloc(), host, port);
            SSLParameters parameters = ssl.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.engine().setSSLParameters(parameters);
            Held held = new Held();
            channel.pipeline().addFirst(SSL, ssl).addAfter(SSL, HOLD, held);
            ssl.handshakeFuture().addListener(done -> {
                if (!done.isSuccess()) {
                    verified.tryFail(done.cause());
                    return;
                }
                try {
                    X509Certificate server = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
                    verified.tryComplete(new Verified(ssl.applicationProtocol(), server, held));
                } catch (Exception e) {
                    verified.tryFail(new UpstreamUntrustedException("upstream " + host + " presented no certificate"));
                }
            });
        });
        return verified.future();
    }

    /** Keeps decrypted bytes (and stops reading) until the handlers that read them are installed after it. */
    public static final class Held extends ChannelInboundHandlerAdapter {
        private final Queue<Object> early = new ArrayDeque<>();
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            early.add(msg);
            ctx.channel().config().setAutoRead(false);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // Passed on only with the bytes, on release.
        }

        /** The inspector is in place after this handler: what was held goes to it, and reading resumes. */
        public void release() {
            Channel channel = ctx.channel();
            channel.pipeline().remove(this);
            channel.config().setAutoRead(true);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) {
                // Removed as the channel closes (the client was refused or left): nobody will read these.
                early.forEach(ReferenceCountUtil::release);
                early.clear();
                return;
            }
            boolean any = !early.isEmpty();
            while (!early.isEmpty()) {
                ctx.fireChannelRead(early.poll());
            }
            if (any) {
                ctx.fireChannelReadComplete();
            }
        }
    }
}
