package dev.portcullis.proxy.transparent;

import dev.portcullis.api.policy.Mode;
import dev.portcullis.proxy.Stages;
import dev.portcullis.proxy.TransparentListenerOptions;
import dev.portcullis.proxy.admit.ForwardRoute;
import dev.portcullis.proxy.admit.PlainForward;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.request.HeadReader;
import dev.portcullis.proxy.request.NotHttpException;
import dev.portcullis.proxy.request.RequestHead;
import io.vertx.core.buffer.Buffer;

import java.util.function.BiConsumer;

/**
 * Plain bytes on a transparent listener whose first line is an HTTP request line: a keep-alive HTTP/1.1
 * connection ({@link PlainForward}) whose every request is decided on its one {@code Host} header and its
 * normalised path ({@link ForwardRoute#originForm(int)}) and admitted like an explicit absolute-form request, the
 * rule's {@code http} entries included. Bytes that cannot begin an HTTP request line are handed on at once (to be
 * named by their destination).
 */
final class TransparentHttp {

    private final ClientConnection connection;
    private final Stages stages;
    private final TransparentListenerOptions listener;
    private final BiConsumer<Buffer, String> notHttp;
    private final HeadReader reader;

    /** @param notHttp takes over a connection whose first bytes are no HTTP request line: those bytes and why */
    TransparentHttp(ClientConnection connection, Stages stages, TransparentListenerOptions listener,
                    BiConsumer<Buffer, String> notHttp) {
        this.connection = connection;
        this.stages = stages;
        this.listener = listener;
        this.notHttp = notHttp;
        this.reader = new HeadReader(connection, stages.options().getMaxRequestLine(),
                stages.options().getMaxHeaders(), stages.options().getRequestTimeout(), true);
    }

    /** Takes over the socket's bytes; called before the peek passes the first bytes on. */
    void start() {
        reader.read().onSuccess(this::open).onFailure(failure -> {
            if (failure instanceof NotHttpException notHttpBytes) {
                notHttp.accept(notHttpBytes.bytes(), notHttpBytes.getMessage());
            } else {
                connection.refuse(failure);
            }
        });
    }

    private void open(RequestHead head) {
        PlainForward.start(stages, connection, reader, ForwardRoute.originForm(listener.getUpstreamPort()),
                listener.getName(), Mode.TRANSPARENT);
    }
}
