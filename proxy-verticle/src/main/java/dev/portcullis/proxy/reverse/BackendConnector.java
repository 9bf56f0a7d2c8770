package dev.portcullis.proxy.reverse;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.Service;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.admit.Admission;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.exchange.Http1Codecs;
import dev.portcullis.proxy.intercept.UpstreamTls;
import dev.portcullis.proxy.intercept.UpstreamTrust;
import dev.portcullis.proxy.intercept.UpstreamUntrustedException;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

import java.util.List;

/**
 * Opens a connection to one backend of a service: through {@link Admission#reach} (the dns role for a name, the
 * destination guard with the service's {@code destinations:} exemption, the dialer), then TLS verified against
 * the service's CA when its backends speak TLS. Shared by the requests and the health checks, so a health check
 * reaches a backend exactly as a request would.
 */
final class BackendConnector {

    private final Admission admission;
    private final Service service;
    private final SslContext backendTls;

    /** @throws IllegalArgumentException when the service's backend CA file cannot be read */
    BackendConnector(Admission admission, Service service) {
        this.admission = admission;
        this.service = service;
        this.backendTls = service.backendTls() == null ? null
                : UpstreamTrust.onlyFrom(service.backendTls().caFile()).context(List.of(
                ApplicationProtocolNames.HTTP_1_1));
    }

    /** A raw connection (TLS on it when the backends speak TLS), for a passthrough splice or a TCP check. */
    Future<NetSocket> socket(Service.Backend backend, AccessRecord record) {
        HostName host;
        try {
            host = HostName.parse(backend.host());
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return admission.reach(host, backend.port(), service.decision(), record);
    }

    /** A connection carrying HTTP/1.1 {@code HttpObject}s to {@code backend}, TLS verified when configured. */
    Future<Channel> http(Service.Backend backend, AccessRecord record) {
        return socket(backend, record).compose(socket -> {
            Channel channel = Sockets.channel(socket);
            record.put(AccessRecord.RESOLVED, socket.remoteAddress().hostAddress());
            if (backendTls == null) {
                Http1Codecs.installClient(channel);
                return Future.succeededFuture(channel);
            }
            String name = service.backendTls().serverName() != null ? service.backendTls().serverName()
                    : backend.host();
            return UpstreamTls.handshake(channel, backendTls, name, backend.port())
                    .recover(failure -> {
                        channel.close();
                        return Future.failedFuture(UpstreamUntrustedException.from(failure, name));
                    })
                    .map(verified -> {
                        Http1Codecs.installClient(channel);
                        verified.held().release();
                        return channel;
                    });
        });
    }
}
