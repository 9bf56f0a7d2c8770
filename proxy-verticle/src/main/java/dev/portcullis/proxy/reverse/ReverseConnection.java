package dev.portcullis.proxy.reverse;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.ReverseListenerOptions;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.exchange.Http1Codecs;
import dev.portcullis.proxy.exchange.HttpExchange;
import dev.portcullis.proxy.exchange.h2.Http2Codecs;
import dev.portcullis.proxy.exchange.h2.StreamExchanges;
import dev.portcullis.proxy.hello.ClientHello;
import dev.portcullis.proxy.hello.ClientHelloPeek;
import dev.portcullis.proxy.hello.PeekOutcome;
import dev.portcullis.proxy.intercept.RequestGate;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.respond.TlsAlert;
import dev.portcullis.proxy.splice.Splice;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

/**
 * One connection on a reverse listener (README, "Reverse proxy"): peek the ClientHello → the service its SNI names
 * ({@link ServiceCatalog}; none → {@code unrecognized_name}, never another service's certificate) → splice the very
 * same hello to a backend (passthrough), or terminate TLS with the service's own certificate and serve its requests
 * over HTTP/1.1 or h2 ({@link ReverseRoute}). A client that does not finish its hello within the hello timeout is
 * closed with a logged reason.
 */
final class ReverseConnection {

    private final ClientConnection connection;
    private final Stages stages;
    private final ServiceCatalog catalog;
    private ClientHelloPeek peek;
    private long helloTimer;

    ReverseConnection(NetSocket socket, Stages stages, ServiceCatalog catalog, ReverseListenerOptions listener) {
        this.stages = stages;
        this.catalog = catalog;
        this.connection = stages.accept(socket, listener.getName(), Json.wireName(Mode.REVERSE));
    }

    /** Installs the peek before the first read (the connect handler runs before it, so no byte is missed). */
    void start() {
        if (!connection.withinLimits(false)) {
            return;
        }
        connection.whileOpen("closed");
        peek = new ClientHelloPeek(this::onHello, connection::refusedBecause);
        connection.channel().pipeline().addFirst(ClientHelloPeek.NAME, peek);
        long helloMs = stages.options().getHelloTimeout().toMillis();
        helloTimer = connection.timer(stages.options().getHelloTimeout(), () -> {
            if (!peek.looked()) {
                connection.close("no ClientHello within " + helloMs + " ms");
            }
        });
    }

    private Future<PeekOutcome> onHello(ClientHello hello) {
        connection.cancel(helloTimer);
        connection.headFinished();
        if (!hello.tls()) {
            // Plain HTTP, most likely (http:// to an https:// port): an HTTP answer is the one it can read.
            connection.refuse(new BadRequestException(400, "plain HTTP on a reverse listener, which speaks only "
                    + "TLS: use https://"));
            return Future.succeededFuture(new PeekOutcome.Pass());
        }
        AccessRecord record = connection.record();
        record.put(AccessRecord.SNI, hello.sni());
        if (hello.sni() == null) {
            return connection.refuseHello(TlsAlert.UNRECOGNIZED_NAME, "no SNI: a reverse listener picks the "
                    + "service by the name the client asks for");
        }
        HostName host;
        try {
            host = HostName.parse(hello.sni());
        } catch (IllegalArgumentException e) {
            return connection.refuseHello(TlsAlert.DECODE_ERROR, "invalid SNI: " + e.getMessage());
        }
        record.put(AccessRecord.HOST, host.value());
        ServiceCatalog.Lookup lookup = catalog.lookup(host.value());
        if (lookup instanceof ServiceCatalog.Unavailable unavailable) {
            return connection.refuseHello(TlsAlert.INTERNAL_ERROR, unavailable.why());
        }
        if (lookup instanceof ServiceCatalog.NotServed notServed) {
            return connection.refuseHello(TlsAlert.UNRECOGNIZED_NAME, notServed.why());
        }
        ServiceState state = ((ServiceCatalog.Found) lookup).state();
        Service service = state.service();
        record.put(AccessRecord.SERVICE, service.name()).put(AccessRecord.RULE, service.decision().rule())
                .put(AccessRecord.VERDICT, Json.wireName(service.decision().verdict()))
                .put(AccessRecord.POLICY_VERSION, service.decision().policyVersion())
                .put(AccessRecord.INSPECTION, Json.wireName(service.mode()));
        if (service.mode() == Service.Mode.PASSTHROUGH) {
            return passthrough(state);
        }
        String protocol = protocolFor(hello);
        if (protocol == null) {
            return connection.refuseHello(TlsAlert.NO_APPLICATION_PROTOCOL, "the client offers neither h2 nor "
                    + "http/1.1 (it offers " + hello.alpn() + ")");
        }
        return Future.succeededFuture(new PeekOutcome.Terminate(state.context(protocol),
                pipeline -> serve(state, host.value(), protocol)));
    }

    /** h2 when offered, else HTTP/1.1 (also when the client offers no ALPN at all, RFC 7301 §3.1). */
    private static String protocolFor(ClientHello hello) {
        if (hello.alpn().contains(ApplicationProtocolNames.HTTP_2)) {
            return ApplicationProtocolNames.HTTP_2;
        }
        return hello.alpn().isEmpty() || hello.alpn().contains(ApplicationProtocolNames.HTTP_1_1)
                ? ApplicationProtocolNames.HTTP_1_1 : null;
    }

    /** The held ClientHello goes to a backend untouched, as a forward decryption exception does. */
    private Future<PeekOutcome> passthrough(ServiceState state) {
        BackendPool.Member member = state.pool().pick().orElse(null);
        if (member == null) {
            return connection.refuseHello(new NoHealthyBackendException(state.service().name(),
                    state.pool().size()));
        }
        AccessRecord record = connection.record();
        record.put(AccessRecord.BACKEND, member.backend().label()).put(AccessRecord.PORT, member.backend().port());
        state.pool().started(member);
        connection.onFinish(() -> state.pool().finished(member));
        return state.connector().socket(member.backend(), record).compose(upstream -> {
            connection.holdUpstream(upstream);
            if (connection.closed() || connection.finished()) {
                return Future.succeededFuture(new PeekOutcome.Pass());
            }
            record.put(AccessRecord.RESOLVED, upstream.remoteAddress().hostAddress());
            connection.endWith(Splice.join(connection.channel(), Sockets.channel(upstream), null), 0);
            return Future.succeededFuture(new PeekOutcome.Pass());
        }, connection::refuseHello);
    }

    /** After the handshake: the service's requests, each through the gate and to a backend. */
    private void serve(ServiceState state, String sni, String protocol) {
        AccessRecord record = connection.record();
        record.put(AccessRecord.ALPN, protocol);
        connection.onInputShutdown(null);     // the exchange ends the connection on the client's FIN
        Service service = state.service();
        RequestGate gate = new RequestGate(sni, service::answers, service.decision(),
                stages.interception().httpRules(), connection.clientIp());
        Channel client = connection.channel();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Codecs.serveStreams(client, stages.interception().h2Limits(), new StreamExchanges(
                    stream -> new ReverseRoute(state, gate, connection.clientIp(), stream), record,
                    stages.accessLog()::write));
            // GOAWAY first (RFC 9113 §6.8), then the close once the open streams have ended.
            connection.onDrain(client::close);
            return;
        }
        String decoded = Http1Codecs.installServer(client, "ssl", stages.options().getMaxRequestLine(),
                stages.options().getMaxHeaders());
        HttpExchange exchange = new HttpExchange(new ReverseRoute(state, gate, connection.clientIp(), client),
                record::copy, stages.accessLog()::write);
        exchange.start(client, decoded);
        connection.onDrain(exchange::drain);
    }
}
