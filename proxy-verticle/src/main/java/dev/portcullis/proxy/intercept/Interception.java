package dev.portcullis.proxy.intercept;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.proxy.access.AccessLog;
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

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decrypt inspection of one connection: open and verify TLS to the server first, then mint a leaf for the client
 * and inspect the HTTP between them. Two ways in: {@link #start} for an explicit tunnel after the proxy answered
 * {@code 200} (reads the ClientHello itself and checks its name against the CONNECT host), and {@link #decrypt}
 * for a listener that has already read and decided on the ClientHello (transparent). In a tunnel, a
 * client whose first bytes are not TLS gets the rule's {@code non-tls} action; while the ClientHello is awaited
 * the server may already speak (SSH and other server-first protocols are relayed, never left hanging), and a
 * "TLS" client that only speaks after the server did is not TLS and is refused.
 */
public final class Interception {

    private static final Logger LOG = LoggerFactory.getLogger(Interception.class);

    /** What an interception needs from the proxy instance; built once and shared. */
    public record Tools(UpstreamTrust trust, LeafMinter minter, PolicyClient policy, AccessLog accessLog,
                        int maxRequestLine, int maxHeaders) {
    }

    private final Tools tools;
    private final NetSocket client;
    private final NetSocket upstream;
    private final Decision decision;
    private final String host;
    private final AccessRecord connection;
    private Splice downstream;

    public Interception(Tools tools, NetSocket client, NetSocket upstream, Decision decision, String host,
                        AccessRecord connection) {
        this.tools = tools;
        this.client = client;
        this.upstream = upstream;
        this.decision = decision;
        this.host = host;
        this.connection = connection;
    }

    /**
     * Starts examining the client's first bytes.
     *
     * @param early bytes the client sent after its CONNECT head, before the 200
     * @return completed with a close reason when the connection has ended
     */
    public Future<String> start(Buffer early) {
        Channel clientChannel = channel(client);
        Promise<String> ended = Promise.promise();
        client.closeHandler(closed -> ended.tryComplete("closed"));
        downstream = Splice.openDownstream(clientChannel, channel(upstream));
        clientChannel.pipeline().addFirst(ClientHelloPeek.NAME, new ClientHelloPeek(this::onHello));
        if (early.length() > 0) {
            clientChannel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(early.getBytes()));
            clientChannel.pipeline().fireChannelReadComplete();
        }
        clientChannel.config().setAutoRead(true);
        return ended.future();
    }

    private Future<PeekOutcome> onHello(ClientHello hello) {
        if (!hello.tls()) {
            return nonTls("the client's first bytes are not TLS");
        }
        if (downstream.bytesDown() > 0) {
            return refuse(TlsAlert.HANDSHAKE_FAILURE, "server spoke before the client's ClientHello: not a TLS server");
        }
        connection.put(AccessRecord.SNI, hello.sni());
        if (hello.sni() != null && !hello.sni().equals(host)) {
            return refuse(TlsAlert.UNRECOGNIZED_NAME, "name mismatch: SNI " + hello.sni() + " in a tunnel to " + host);
        }
        downstream.withdraw();
        return decrypt();
    }

    /**
     * Verifies the server, mints a leaf for {@code host} and answers how to terminate the client's TLS; for a
     * connection whose ClientHello (naming {@code host}) is held by the caller's {@link ClientHelloPeek}. Nothing
     * has been relayed yet.
     *
     * @return the outcome for the peek: {@link PeekOutcome.Terminate} that installs inspection, or
     * {@link PeekOutcome.Refuse} ({@code bad_certificate} when the server cannot be verified, the reason in the
     * connection's access record); never a failed future
     */
    public Future<PeekOutcome> decrypt() {
        return upstream.upgradeToSsl(tools.trust().options(), host)
                .recover(failure -> Future.failedFuture(UpstreamUntrustedException.from(failure, host)))
                .compose(verified -> mintFor(peer()))
                .<PeekOutcome>map(context -> new PeekOutcome.Terminate(context, pipeline -> inspect()))
                .recover(failure -> refuse(failure instanceof UpstreamUntrustedException
                        ? TlsAlert.BAD_CERTIFICATE : TlsAlert.INTERNAL_ERROR, failure.getMessage()));
    }

    private Future<io.netty.handler.ssl.SslContext> mintFor(X509Certificate server) {
        return tools.minter().contextFor(host, dnsNames(server), server.getNotAfter().getTime());
    }

    private void inspect() {
        connection.put(AccessRecord.INSPECTION, "decrypt");
        HttpInspector inspector = new HttpInspector(host, decision.rule(), tools.policy(), connection::copy,
                tools.accessLog()::write);
        inspector.installUpstreamSide(channel(upstream));
        inspector.installClientSide(channel(client), tools.maxRequestLine(), tools.maxHeaders());
    }

    private Future<PeekOutcome> nonTls(String why) {
        connection.put(AccessRecord.REASON, why);
        if (decision.nonTls() == NonTlsAction.SPLICE) {
            downstream.joinClient(null, Long.MAX_VALUE);
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        return refuse(TlsAlert.HANDSHAKE_FAILURE, why + " and rule '" + decision.rule() + "' says non-tls: deny");
    }

    private Future<PeekOutcome> refuse(int alert, String reason) {
        LOG.info("decrypt refused for {} -> {}: {}", client.remoteAddress().hostAddress(), host, reason);
        connection.put(AccessRecord.REASON, reason);
        upstream.close();
        return Future.succeededFuture(new PeekOutcome.Refuse(alert, reason));
    }

    private X509Certificate peer() {
        try {
            return (X509Certificate) upstream.peerCertificates().get(0);
        } catch (SSLPeerUnverifiedException e) {
            throw new UpstreamUntrustedException("upstream " + host + " presented no certificate");
        }
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) {
                        mirrorable(String.valueOf(alternative.get(1))).ifPresent(names::add);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            LOG.debug("cannot read the SANs of {}'s certificate: {}", certificate.getSubjectX500Principal(),
                    e.getMessage());
        }
        return names;
    }

    /** A SAN the leaf can carry as is: wildcard and invalid names are left out (the leaf names the host anyway). */
    private static java.util.Optional<String> mirrorable(String san) {
        try {
            return java.util.Optional.of(HostName.parse(san).value());
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }
}
