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
import dev.portcullis.proxy.exchange.h2.Http2Codecs;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.respond.TlsAlert;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
                        int maxRequestLine, int maxHeaders, int h2MaxConcurrentStreams) {

        /** The HTTP/2 limits: {@code proxy.h2-max-concurrent-streams}, and the header list as {@code max-headers}. */
        public Http2Codecs.Limits h2Limits() {
            return new Http2Codecs.Limits(h2MaxConcurrentStreams, maxHeaders);
        }
    }

    private final Tools tools;
    private final ClientConnection connection;
    private final NetSocket upstream;
    private final Decision decision;
    private final String host;
    private final List<String> clientAlpn;

    /** @param clientAlpn the protocols the client's ClientHello offered (RFC 7301), in its order */
    public Interception(Tools tools, ClientConnection connection, NetSocket upstream, Decision decision,
                        String host, List<String> clientAlpn) {
        this.tools = tools;
        this.connection = connection;
        this.upstream = upstream;
        this.decision = decision;
        this.host = host;
        this.clientAlpn = List.copyOf(clientAlpn);
    }

    /**
     * Verifies the server, mints a leaf for {@code host} and answers how to terminate the client's TLS; for a
     * connection whose ClientHello (naming {@code host}) is held by the caller's {@link ClientHelloPeek}. Nothing
     * has been relayed yet.
     *
     * <p>ALPN is chosen end to end ({@link AlpnChoice}): the server is offered the client's inspectable protocols
     * and the client exactly what the server selected, so {@code h2} meets {@code h2} and HTTP/1.1 meets HTTP/1.1.
     *
     * @return the outcome for the peek: {@link PeekOutcome.Terminate} that installs inspection, or
     * {@link PeekOutcome.Refuse} ({@code bad_certificate} when the server cannot be verified,
     * {@code no_application_protocol} when client and server share no protocol, the reason in the connection's
     * access record); never a failed future
     */
    public Future<PeekOutcome> decrypt() {
        List<String> offer = AlpnChoice.upstreamOffer(clientAlpn);
        if (offer.isEmpty()) {
            return connection.refuseHello(TlsAlert.NO_APPLICATION_PROTOCOL, "the client offers no application "
                    + "protocol the gateway can inspect (it offers " + clientAlpn + ", the gateway reads "
                    + AlpnChoice.INSPECTABLE + ")");
        }
        Channel upstreamChannel = Sockets.channel(upstream);
        return UpstreamTls.handshake(upstreamChannel, tools.trust().context(offer), host,
                        upstream.remoteAddress().port())
                .recover(failure -> Future.failedFuture(NoApplicationProtocolException.refusedBy(failure, host,
                        offer).<RuntimeException>map(refused -> refused)
                        .orElseGet(() -> UpstreamUntrustedException.from(failure, host))))
                .compose(verified -> {
                    String spoken = AlpnChoice.forClient(clientAlpn, verified.protocol()).orElseThrow(() ->
                            NoApplicationProtocolException.notOffered(host, verified.protocol(), clientAlpn));
                    return mintFor(verified.server(), spoken).<PeekOutcome>map(context ->
                            new PeekOutcome.Terminate(context, pipeline -> inspect(spoken, verified.held())));
                })
                .recover(failure -> connection.refuseHello(alertFor(failure), failure.getMessage()));
    }

    private static int alertFor(Throwable failure) {
        if (failure instanceof UpstreamUntrustedException) {
            return TlsAlert.BAD_CERTIFICATE;
        }
        return failure instanceof NoApplicationProtocolException ? TlsAlert.NO_APPLICATION_PROTOCOL
                : TlsAlert.INTERNAL_ERROR;
    }

    private Future<io.netty.handler.ssl.SslContext> mintFor(X509Certificate server, String protocol) {
        return tools.minter().contextFor(host, protocol, dnsNames(server), server.getNotAfter().getTime());
    }

    private void inspect(String protocol, UpstreamTls.Held held) {
        AccessRecord record = connection.record();
        record.put(AccessRecord.INSPECTION, "decrypt").put(AccessRecord.ALPN, protocol);
        connection.whileOpen("closed");
        connection.onInputShutdown(null);     // the inspector ends the connection on the client's FIN
        RequestGate gate = new RequestGate(host, decision, tools.httpRules(), connection.clientIp());
        Channel upstreamChannel = Sockets.channel(upstream);
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Inspection.install(connection.channel(), upstreamChannel, tools.h2Limits(), gate, record,
                    tools.accessLog()::write);
            // Closing through the HTTP/2 codec is its graceful shutdown: GOAWAY first (RFC 9113 §6.8), so the
            // client opens no new stream here, and the close once the open streams have ended.
            connection.onDrain(() -> connection.channel().close());
            held.release();
            return;
        }
        Http1Codecs.installClient(upstreamChannel);
        Channel client = connection.channel();
        String decoded = Http1Codecs.installServer(client, "ssl", tools.maxRequestLine(), tools.maxHeaders());
        Route toServer = (request, requestRecord) -> gate.admit(request, requestRecord).map(upstreamChannel);
        HttpExchange exchange = new HttpExchange(toServer, record::copy, tools.accessLog()::write);
        exchange.start(client, decoded);
        connection.onDrain(exchange::drain);
        held.release();
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
