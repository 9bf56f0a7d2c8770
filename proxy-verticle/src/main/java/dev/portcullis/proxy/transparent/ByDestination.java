package dev.portcullis.proxy.transparent;

import dev.portcullis.api.dns.RecentNamesRequest;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.admit.Admitted;
import dev.portcullis.proxy.admit.Payload;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Names a transparent connection that carries no name of its own — a client silent for the silent timeout
 * (SSH and other server-first protocols) or one whose first bytes are neither TLS nor HTTP — by where it was
 * going: its original destination address (TPROXY or conntrack, {@link OriginalDestination}), looked up among
 * the names the gateway's DNS recently answered to this very client with that address (the dns role serving
 * the workloads). The most recent such name is admitted (protocol {@code tcp}, resolved by the gateway again)
 * like any other name; otherwise the connection is closed with the reason logged, never left hanging. A decrypt
 * rule's {@code non-tls} action applies, since these bytes cannot be inspected.
 */
final class ByDestination {

    private static final Logger LOG = LoggerFactory.getLogger(ByDestination.class);

    private final ClientConnection connection;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final int boundPort;

    ByDestination(ClientConnection connection, Stages stages, TransparentListenerOptions listener, int boundPort) {
        this.connection = connection;
        this.stages = stages;
        this.listener = listener;
        this.boundPort = boundPort;
    }

    /**
     * @param first   bytes already read from the client, sent upstream first (empty for a silent client)
     * @param why     why the connection has no name, the start of any refusal reason
     * @param release called once the relay is in place, to let bytes held in the client's pipeline flow
     */
    void start(Buffer first, String why, Runnable release) {
        connection.headFinished();   // the bytes so far are all it will be decided on
        connection.autoRead(false);
        connection.whileOpen("client closed before its destination was named");
        OriginalDestination.find(stages.vertx(), connection.socket(), boundPort)
                .compose(original -> name(original, why))
                .compose(name -> stages.admission().admit(connection, new DecideRequest(name.value(),
                        listener.getUpstreamPort(), connection.clientIp(), listener.getName(), Mode.TRANSPARENT,
                        Protocol.TCP, null), name, new Payload.Opaque(why)))
                .onSuccess(admitted -> splice(admitted, first, release))
                .onFailure(failure -> {
                    if (failure instanceof Unnamed unnamed) {
                        connection.close(unnamed.getMessage());
                    } else {
                        ErrorResponse response = FailureMapper.toResponse(failure);
                        connection.record().put(AccessRecord.STATUS, response.status());
                        connection.close(response.reason());
                    }
                });
    }

    private Future<HostName> name(Optional<InetSocketAddress> original, String why) {
        if (original.isEmpty()) {
            return Future.failedFuture(new Unnamed(why + ", and the platform does not tell its original destination"
                    + " (needs TPROXY, or REDIRECT in the gateway's own network namespace)"));
        }
        String address = original.get().getAddress().getHostAddress();
        connection.record().put(AccessRecord.ORIGINAL_DST, address + ":" + original.get().getPort());
        String clientIp = connection.clientIp();
        return stages.dns().recentNames(new RecentNamesRequest(clientIp, address))
                .compose(recent -> recent.names().isEmpty()
                        ? Future.failedFuture(new Unnamed(why + ", and the gateway's DNS answered no name with "
                                + address + " to " + clientIp))
                        : Future.succeededFuture(HostName.parse(recent.names().get(0))));
    }

    private void splice(Admitted admitted, Buffer first, Runnable release) {
        LOG.debug("transparent {} named {} by its destination {}", connection.clientIp(),
                connection.record().get(AccessRecord.HOST), connection.record().get(AccessRecord.ORIGINAL_DST));
        connection.endWith(Splice.join(connection.channel(), Sockets.channel(admitted.upstream()),
                first.length() == 0 ? null : Unpooled.wrappedBuffer(first.getBytes())),
                first.length());
        release.run();
    }

    /** No name could be found: said as it is. */
    private static final class Unnamed extends RuntimeException {
        Unnamed(String message) {
            super(message, null, false, false);
        }
    }
}
