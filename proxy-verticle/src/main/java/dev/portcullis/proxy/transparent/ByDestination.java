package dev.portcullis.proxy.transparent;

import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.api.dns.RecentNamesRequest;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.respond.ErrorResponse;
import dev.portcullis.proxy.respond.FailureMapper;
import dev.portcullis.proxy.splice.Splice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Names a transparent connection that carries no name of its own — a client silent for the silent timeout
 * (SSH and other server-first protocols) or one whose first bytes are neither TLS nor HTTP — by where it was
 * going: its original destination address (TPROXY or conntrack, {@link OriginalDestination}), looked up among
 * the names the gateway's DNS recently answered to this very client with that address (the dns role serving
 * the workloads). The most recent such name is decided (protocol {@code tcp}), resolved by the gateway again and
 * dialled like any other name; otherwise the connection is closed with the reason logged, never left hanging.
 * A decrypt rule's {@code non-tls} action applies, since these bytes cannot be inspected.
 */
final class ByDestination {

    private static final Logger LOG = LoggerFactory.getLogger(ByDestination.class);

    private final NetSocket client;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final int boundPort;
    private final AccessRecord record;
    private final Consumer<String> finish;
    private final String clientIp;

    ByDestination(NetSocket client, Stages stages, TransparentListenerOptions listener, int boundPort,
                  AccessRecord record, Consumer<String> finish) {
        this.client = client;
        this.stages = stages;
        this.listener = listener;
        this.boundPort = boundPort;
        this.record = record;
        this.finish = finish;
        this.clientIp = client.remoteAddress().hostAddress();
    }

    /**
     * @param first   bytes already read from the client, sent upstream first (empty for a silent client)
     * @param why     why the connection has no name, the start of any refusal reason
     * @param release called once the relay is in place, to let bytes held in the client's pipeline flow
     */
    void start(Buffer first, String why, Runnable release) {
        channel(client).config().setAutoRead(false);
        OriginalDestination.find(stages.vertx(), client, boundPort).compose(original -> name(original, why))
                .compose(name -> admit(name, why))
                .onComplete(admitted -> {
                    if (admitted.failed()) {
                        if (admitted.cause() instanceof Refusal refusal) {
                            refuse(refusal.getMessage());
                        } else {
                            ErrorResponse response = FailureMapper.toResponse(admitted.cause());
                            record.put(AccessRecord.STATUS, response.status());
                            refuse(response.reason());
                        }
                        return;
                    }
                    splice(admitted.result(), first, release);
                });
    }

    private Future<HostName> name(Optional<InetSocketAddress> original, String why) {
        if (original.isEmpty()) {
            return Future.failedFuture(new Refusal(why + ", and the platform does not tell its original destination"
                    + " (needs TPROXY, or REDIRECT in the gateway's own network namespace)"));
        }
        String address = original.get().getAddress().getHostAddress();
        record.put(AccessRecord.ORIGINAL_DST, address + ":" + original.get().getPort());
        return new ResolveClient(stages.vertx(), stages.options().getDnsTimeout())
                .recentNames(new RecentNamesRequest(clientIp, address))
                .compose(recent -> recent.names().isEmpty()
                        ? Future.failedFuture(new Refusal(why + ", and the gateway's DNS answered no name with "
                                + address + " to " + clientIp))
                        : Future.succeededFuture(HostName.parse(recent.names().get(0))));
    }

    private Future<NetSocket> admit(HostName name, String why) {
        record.put(AccessRecord.HOST, name.value());
        DecideRequest question = new DecideRequest(name.value(), listener.getUpstreamPort(), clientIp,
                listener.getName(), Mode.TRANSPARENT, Protocol.TCP, null);
        return Admission.admit(stages, question, name, record).compose(admitted -> {
            if (admitted.decision().inspection() == Inspection.DECRYPT
                    && admitted.decision().nonTls() == NonTlsAction.DENY) {
                admitted.upstream().close();
                return Future.failedFuture(new Refusal(why + ", and rule '" + admitted.decision().rule()
                        + "' decrypts and says non-tls: deny"));
            }
            return Future.succeededFuture(admitted.upstream());
        });
    }

    private void splice(NetSocket upstream, Buffer first, Runnable release) {
        LOG.debug("transparent {} named {} by its destination {}", clientIp, record.get(AccessRecord.HOST),
                record.get(AccessRecord.ORIGINAL_DST));
        Splice.join(channel(client), channel(upstream),
                first.length() == 0 ? null : Unpooled.wrappedBuffer(first.getBytes()), Long.MAX_VALUE)
                .onComplete(done -> {
                    record.put(AccessRecord.BYTES_UP, first.length() + done.result().bytesUp())
                            .put(AccessRecord.BYTES_DOWN, done.result().bytesDown());
                    finish.accept(done.result().close());
                });
        release.run();
    }

    private void refuse(String reason) {
        LOG.info("transparent {} refused for {}: {}", listener.getName(), clientIp, reason);
        record.put(AccessRecord.REASON, reason);
        client.close();
        finish.accept(reason);
    }

    private static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }

    /** A reason to close that is not a stage failure: said as it is. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
