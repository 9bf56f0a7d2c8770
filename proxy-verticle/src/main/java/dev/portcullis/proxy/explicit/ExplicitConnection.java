package dev.portcullis.proxy.explicit;

import dev.portcullis.api.bus.Json;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.admit.Admitted;
import dev.portcullis.proxy.admit.Payload;
import dev.portcullis.proxy.admit.ForwardRoute;
import dev.portcullis.proxy.admit.PlainForward;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.HeadReader;
import dev.portcullis.proxy.request.RequestHead;
import dev.portcullis.proxy.request.RequestTarget;
import dev.portcullis.proxy.tunnel.TunnelFirstBytes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * One client connection on the explicit listener: read head → admit (decide, gate, resolve, guard, dial) →
 * {@code 200} and the tunnel's first bytes ({@link TunnelFirstBytes}: splice or decrypt); or, when the first
 * request is an absolute-form one, a keep-alive plain-HTTP connection whose every request is admitted and
 * forwarded on its own ({@link PlainForward}). Nothing is sent upstream before the policy allowed it and the guard
 * passed the address.
 */
final class ExplicitConnection {

    private static final Buffer ESTABLISHED =
            Buffer.buffer("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    private final ClientConnection connection;
    private final Stages stages;
    private final String listener;
    private final HeadReader reader;

    ExplicitConnection(NetSocket socket, Stages stages, String listener) {
        this.stages = stages;
        this.listener = listener;
        this.connection = stages.accept(socket, listener, Json.wireName(Mode.EXPLICIT));
        this.reader = new HeadReader(connection, stages.options().getMaxRequestLine(),
                stages.options().getMaxHeaders(), stages.options().getRequestTimeout(), false);
    }

    void start() {
        if (!connection.withinLimits(true)) {
            return;
        }
        reader.read().onSuccess(this::open).onFailure(connection::refuse);
    }

    private void open(RequestHead head) {
        if (!head.isConnect()) {
            PlainForward.start(stages, connection, reader, ForwardRoute.absoluteForm(), listener, Mode.EXPLICIT);
            return;
        }
        connection.record().put(AccessRecord.METHOD, head.method());
        RequestTarget target;
        try {
            target = RequestTarget.of(head);
        } catch (BadRequestException e) {
            connection.refuse(e);
            return;
        }
        DecideRequest question = new DecideRequest(target.host().value(), target.port(), connection.clientIp(),
                listener, Mode.EXPLICIT, Protocol.TCP, null);
        stages.admission().admit(connection, question, target.host(), new Payload.Tunnel())
                .onSuccess(admitted -> tunnel(admitted, question))
                .onFailure(connection::refuse);
    }

    private void tunnel(Admitted admitted, DecideRequest question) {
        connection.socket().write(ESTABLISHED);
        connection.record().put(AccessRecord.STATUS, 200);
        new TunnelFirstBytes(stages, connection, admitted, question).start(reader.takeRest());
    }
}
