package dev.portcullis.proxy.tunnel;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.admit.Admitted;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloPeek;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.intercept.Interception;
import dev.portcullis.proxy.respond.TlsAlert;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The one stage after a tunnel's {@code 200}, for splice and decrypt rules alike (README, "Names must agree"):
 * <ol>
 *   <li>the server's bytes are relayed to the client at once, so a server-first protocol (SSH) gets its banner
 *       through and is never left waiting for a ClientHello that will not come;</li>
 *   <li>the client's first bytes are held in a {@link ClientHelloPeek}, bytes sent before the {@code 200}
 *       first;</li>
 *   <li>a ClientHello must name the CONNECT host (a splice rule may opt out with {@code sni-check: false}); one
 *       carrying {@code encrypted_client_hello} is recorded as such ({@code ech: true}) and decided again with
 *       the policy's {@code ech} setting. The name check comes first: a real ECH hello to a shared front carries
 *       the front's public name, not the CONNECT name, and is refused as a mismatch, while Chromium's GREASE ECH
 *       names the CONNECT host and passes;</li>
 *   <li>then a splice rule lets the held bytes through untouched; a decrypt rule hands the connection to
 *       {@link Interception}, or applies its {@code non-tls} action to bytes that are not TLS.</li>
 * </ol>
 */
public final class TunnelFirstBytes {

    private final Stages stages;
    private final ClientConnection connection;
    private final Admitted admitted;
    private final DecideRequest question;
    private Splice splice;

    /** @param question the request that admitted the tunnel; asked again, with the ECH flag, for an ECH hello */
    public TunnelFirstBytes(Stages stages, ClientConnection connection, Admitted admitted, DecideRequest question) {
        this.stages = stages;
        this.connection = connection;
        this.admitted = admitted;
        this.question = question;
    }

    /** @param early bytes the client sent after its CONNECT head, before the {@code 200} */
    public void start(Buffer early) {
        Channel client = connection.channel();
        connection.whileOpen("client closed before its first bytes");
        splice = Splice.openDownstream(client, Sockets.channel(admitted.upstream()));
        ClientHelloPeek peek = new ClientHelloPeek(this::judge, connection::refusedBecause);
        client.pipeline().addFirst(ClientHelloPeek.NAME, peek);
        if (early.length() > 0) {
            client.pipeline().fireChannelRead(Unpooled.wrappedBuffer(early.getBytes()));
            client.pipeline().fireChannelReadComplete();
        }
        connection.onInputShutdown(() -> endedWithoutHello(peek));
        connection.autoRead(true);
    }

    /**
     * The client half-closed before a ClientHello was complete: no bytes that could be one will come. Its bytes
     * so far are not TLS; the relay passes them and the FIN on (or the rule's {@code non-tls: deny} refuses).
     */
    private void endedWithoutHello(ClientHelloPeek peek) {
        Channel client = connection.channel();
        client.eventLoop().execute(() -> {
            io.netty.channel.ChannelHandlerContext ctx = client.pipeline().context(peek);
            if (ctx != null && !peek.looked()) {
                judge(ClientHello.NOT_TLS).onSuccess(outcome -> peek.decideWithoutHello(ctx, outcome));
            }
        });
    }

    private boolean decrypt() {
        return admitted.decision().inspection() == Inspection.DECRYPT;
    }

    private Future<PeekOutcome> judge(ClientHello hello) {
        Decision decision = admitted.decision();
        if (!hello.tls()) {
            return decrypt() ? notTls(decision) : pass();
        }
        AccessRecord record = connection.record();
        record.put(AccessRecord.SNI, hello.sni());
        if (hello.ech()) {
            record.put(AccessRecord.ECH, true);
        }
        if (decrypt() && splice.bytesDown() > 0) {
            return connection.refuseHello(TlsAlert.HANDSHAKE_FAILURE,
                    "server spoke before the client's ClientHello: not a TLS server");
        }
        if ((decrypt() || decision.sniCheck()) && hello.sni() != null && !hello.sni().equals(question.host())) {
            return connection.refuseHello(TlsAlert.UNRECOGNIZED_NAME,
                    "name mismatch: SNI " + hello.sni() + " in a tunnel to " + question.host());
        }
        if (!hello.ech()) {
            return proceed(hello);
        }
        DecideRequest echQuestion = new DecideRequest(question.host(), question.port(), question.client(),
                question.listener(), question.mode(), Protocol.TLS, hello.sni(), true);
        return stages.admission().decide(echQuestion).compose(echDecision -> {
            if (!echDecision.allowed()) {
                record.put(AccessRecord.RULE, echDecision.rule()).put(AccessRecord.VERDICT, "deny");
                return connection.refuseHello(TlsAlert.ACCESS_DENIED, "encrypted ClientHello (outer SNI "
                        + hello.sni() + ") refused by the policy's ech action");
            }
            return proceed(hello);
        }, failure -> connection.refuseHello(TlsAlert.INTERNAL_ERROR, "ech decision failed: "
                + failure.getMessage()));
    }

    private Future<PeekOutcome> proceed(ClientHello hello) {
        if (!decrypt()) {
            return pass();
        }
        splice.withdraw();
        return new Interception(stages.interception(), connection, admitted.upstream(), admitted.decision(),
                question.host(), hello.alpn()).decrypt();
    }

    private Future<PeekOutcome> notTls(Decision decision) {
        String why = "the client's first bytes are not TLS";
        connection.record().put(AccessRecord.REASON, why);
        if (decision.nonTls() == NonTlsAction.SPLICE) {
            return pass();
        }
        return connection.refuseHello(TlsAlert.HANDSHAKE_FAILURE,
                why + " and rule '" + decision.rule() + "' says non-tls: deny");
    }

    /** The relay must be in place before the peek lets the held bytes go, or they would reach no handler. */
    private Future<PeekOutcome> pass() {
        connection.endWith(splice.joinClient(null), 0);
        return Future.succeededFuture(new PeekOutcome.Pass());
    }
}
