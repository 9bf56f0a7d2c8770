package dev.portcullis.proxy.admit;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.Sockets;
import dev.portcullis.proxy.request.BadRequestException;
import dev.portcullis.proxy.request.ForwardedRequest;
import dev.portcullis.proxy.request.HeadReader;
import dev.portcullis.proxy.request.RequestHead;
import dev.portcullis.proxy.request.RequestTarget;
import dev.portcullis.proxy.splice.RequestForward;
import io.vertx.core.buffer.Buffer;

/**
 * One plain-HTTP request, on whichever listener read it (absolute-form on the explicit listener, origin-form on a
 * transparent port): admitted with its normalised path gated by the rule's {@code http} entries, then forwarded
 * exactly as decided, with {@code Connection: close}. Answered with the refusal's HTTP error otherwise.
 */
public final class PlainRequest {

    private PlainRequest() {
    }

    /**
     * @param reader   the reader that read {@code head}; the bytes after it (the start of a body) go upstream too
     * @param target   where the request goes, its name and path already agreed and normalised
     * @param listener the listener's name, for the decision
     */
    public static void admitAndForward(Admission admission, ClientConnection connection, HeadReader reader,
                                       RequestHead head, RequestTarget target, String listener, Mode mode) {
        Buffer forwardedHead;
        long bodyLength;
        try {
            forwardedHead = ForwardedRequest.head(head, target);
            bodyLength = ForwardedRequest.bodyLength(head);
        } catch (BadRequestException e) {
            connection.refuse(e);
            return;
        }
        DecideRequest question = new DecideRequest(target.host().value(), target.port(), connection.clientIp(),
                listener, mode, Protocol.HTTP, null);
        admission.admit(connection, question, target.host(), new Payload.PlainHttp(head.method(), target.path()))
                .onSuccess(admitted -> {
                    Buffer early = reader.takeRest();
                    connection.endWith(RequestForward.forward(connection.channel(),
                            Sockets.channel(admitted.upstream()), forwardedHead, bodyLength, early), early.length());
                })
                .onFailure(connection::refuse);
    }
}
