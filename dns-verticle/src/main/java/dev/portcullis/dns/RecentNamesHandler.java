package dev.portcullis.dns;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.Replies;
import dev.portcullis.api.dns.RecentNames;
import dev.portcullis.api.dns.RecentNamesRequest;
import dev.portcullis.dns.recent.RecentNamesMap;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Answers {@link dev.portcullis.api.bus.Addresses#DNS_RECENT_NAMES} from the {@link RecentNamesMap}: a
 * {@link RecentNames}, empty when nothing is remembered; BAD_REQUEST for a malformed message.
 */
final class RecentNamesHandler implements Handler<Message<Object>> {

    private final RecentNamesMap recent;

    RecentNamesHandler(RecentNamesMap recent) {
        this.recent = recent;
    }

    @Override
    public void handle(Message<Object> message) {
        RecentNamesRequest request;
        try {
            if (!(message.body() instanceof JsonObject body)) {
                throw new IllegalArgumentException("request must be a JSON object {client, address}");
            }
            request = RecentNamesRequest.fromJson(body);
        } catch (IllegalArgumentException e) {
            Replies.fail(message, e);
            return;
        }
        recent.names(request.client(), request.address()).onComplete(done -> {
            if (done.succeeded()) {
                message.reply(new RecentNames(done.result()).toJson());
            } else {
                Replies.fail(message, ErrorCode.INTERNAL, "recent names unavailable: " + done.cause().getMessage());
            }
        });
    }
}
