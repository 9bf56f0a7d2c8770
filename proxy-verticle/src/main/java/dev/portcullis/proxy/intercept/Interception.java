package dev.portcullis.proxy.intercept;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.decide.HttpRules;
import dev.portcullis.proxy.exchange.Http1Codecs;
import dev.portcullis.proxy.exchange.HttpExchange;
import dev.portcullis.proxy.exchange.Route;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.respond.TlsAlert;
import io.netty.channel.Channel;
import io.vertx.core.Future;
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
 * Decrypt inspection of one connection whose ClientHello (naming {@code host}) is held by a
 * {@link dev.portcullis.proxy.hello.ClientHelloPeek}: open and verify TLS to the server first, then mint a leaf for
 * the client and inspect the HTTP between them. The listener's stage before this one read and checked the hello
 * (a tunnel's first bytes, or a transparent listener's decision on its SNI); nothing has been relayed yet.
 */
public final class Interception {

    private static final Logger LOG = LoggerFactory.getLogger(Interception.class);

    /** What an interception needs from the proxy instance; built once and shared. */
    public record Tools(UpstreamTrust trust, LeafMinter minter, HttpRules httpRules, AccessLog accessLog,
                        int maxRequestLine, int maxHeaders) {
    }

    private final Tools tools;
    private final ClientConnection connection;
    private final NetSocket upstream;
    private final Decision decision;
    private final String host;

    public Interception(Tools tools, ClientConnection connection, NetSocket upstream, Decision decision,
                        String host) {
        this.tools = tools;
        this.connection = connection;
        this.upstream = upstream;
        this.decision = decision;
        this.host = host;
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
                .recover(failure -> connection.refuseHello(failure instanceof UpstreamUntrustedException
                        ? TlsAlert.BAD_CERTIFICATE : TlsAlert.INTERNAL_ERROR, failure.getMessage()));
    }

    private Future<io.netty.handler.ssl.SslContext> mintFor(X509Certificate server) {
        return tools.minter().contextFor(host, dnsNames(server), server.getNotAfter().getTime());
    }

    private void inspect() {
        AccessRecord record = connection.record();
        record.put(AccessRecord.INSPECTION, "decrypt");
        connection.whileOpen("closed");
        connection.onInputShutdown(null);     // the inspector ends the connection on the client's FIN
        RequestGate gate = new RequestGate(host, decision, tools.httpRules());
        Channel upstreamChannel = Sockets.channel(upstream);
        Http1Codecs.installClient(upstreamChannel);
        Channel client = connection.channel();
        String decoded = Http1Codecs.installServer(client, "ssl", tools.maxRequestLine(), tools.maxHeaders());
        Route toServer = (request, requestRecord) -> gate.admit(request, requestRecord).map(upstreamChannel);
        new HttpExchange(toServer, record::copy, tools.accessLog()::write).start(client, decoded);
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
}
