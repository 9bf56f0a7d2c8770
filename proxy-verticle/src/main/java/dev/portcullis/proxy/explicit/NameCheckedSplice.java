package dev.portcullis.proxy.explicit;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloPeek;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.hello.TlsAlert;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spliced {@code CONNECT} tunnel whose client bytes go upstream only after its first bytes were read
 * (DESIGN §3, names must agree): a ClientHello must name the CONNECT host (unless the rule says
 * {@code sni-check: false}), and one carrying {@code encrypted_client_hello} is decided again with the policy's
 * {@code ech} action. Bytes that are not TLS pass untouched. The server's bytes reach the client meanwhile, so a
 * server-first protocol (SSH) is never left waiting for a ClientHello that will not come.
 */
final class NameCheckedSplice {

    private static final Logger LOG = LoggerFactory.getLogger(NameCheckedSplice.class);

    private final Stages stages;
    private final NetSocket client;
    private final NetSocket upstream;
    private final Decision decision;
    private final DecideRequest question;
    private final AccessRecord record;
    private final Promise<String> ended = Promise.promise();
    private Splice splice;

    /**
     * @param question the request that allowed the tunnel; asked again, with the ECH flag, for an ECH hello
     */
    NameCheckedSplice(Stages stages, NetSocket client, NetSocket upstream, Decision decision, DecideRequest question,
                      AccessRecord record) {
        this.stages = stages;
        this.client = client;
        this.upstream = upstream;
        this.decision = decision;
        this.question = question;
        this.record = record;
    }

    /**
     * Starts relaying upstream → client and reading the client's first bytes.
     *
     * @param early bytes the client sent after its CONNECT head, before the 200
     * @return completed with the close reason once both sides are closed; byte counts are in the record
     */
    Future<String> start(Buffer early) {
        Channel clientChannel = channel(client);
        client.closeHandler(closed -> {
            // Closed before its first bytes were judged: the relay of that direction never existed.
            upstream.close();
            ended.tryComplete("client closed before its first bytes");
        });
        splice = Splice.openDownstream(clientChannel, channel(upstream));
        clientChannel.pipeline().addFirst(ClientHelloPeek.NAME, new ClientHelloPeek(this::onHello));
        if (early.length() > 0) {
            clientChannel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(early.getBytes()));
            clientChannel.pipeline().fireChannelReadComplete();
        }
        clientChannel.config().setAutoRead(true);
        return ended.future();
    }

    private Future<PeekOutcome> onHello(ClientHello hello) {
        if (hello.tls()) {
            record.put(AccessRecord.SNI, hello.sni());
            if (hello.ech()) {
                return decideEch(hello);
            }
            if (decision.sniCheck() && hello.sni() != null && !hello.sni().equals(question.host())) {
                return refuse(TlsAlert.UNRECOGNIZED_NAME,
                        "name mismatch: SNI " + hello.sni() + " in a tunnel to " + question.host());
            }
        }
        return pass();
    }

    private Future<PeekOutcome> decideEch(ClientHello hello) {
        DecideRequest echQuestion = new DecideRequest(question.host(), question.port(), question.client(),
                question.listener(), question.mode(), Protocol.TLS, hello.sni(), true);
        return stages.decider().decide(echQuestion).compose(echDecision -> {
            if (!echDecision.allowed()) {
                record.put(AccessRecord.RULE, echDecision.rule());
                record.put(AccessRecord.VERDICT, "deny");
                return refuse(TlsAlert.ACCESS_DENIED, "encrypted ClientHello (outer SNI " + hello.sni()
                        + ") refused by the policy's ech action");
            }
            return pass();
        }, failure -> refuse(TlsAlert.INTERNAL_ERROR, "ech decision failed: " + failure.getMessage()));
    }

    private Future<PeekOutcome> pass() {
        // The relay must be in place before the peek lets the held bytes go (VERTX-NOTES pitfall 10).
        splice.joinClient(null, Long.MAX_VALUE).onComplete(done -> {
            record.put(AccessRecord.BYTES_UP, done.result().bytesUp())
                    .put(AccessRecord.BYTES_DOWN, done.result().bytesDown());
            ended.tryComplete(done.result().close());
        });
        client.closeHandler(null);
        return Future.succeededFuture(new PeekOutcome.Pass());
    }

    private Future<PeekOutcome> refuse(int alert, String reason) {
        LOG.info("tunnel refused for {} -> {}: {}", question.client(), question.host(), reason);
        record.put(AccessRecord.REASON, reason);
        return Future.succeededFuture(new PeekOutcome.Refuse(alert, reason));
    }

    private static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }
}
