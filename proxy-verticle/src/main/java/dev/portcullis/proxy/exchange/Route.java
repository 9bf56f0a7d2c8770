package dev.portcullis.proxy.exchange;

import dev.portcullis.proxy.access.AccessRecord;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.Future;

/**
 * Where one request of an {@link HttpExchange} goes: decided, and rewritten as it must go upstream, before a byte
 * of it is sent. A decrypted connection routes every request to its one verified upstream once the request gate
 * passed it.
 */
@FunctionalInterface
public interface Route {

    /**
     * @param request the request head; may be rewritten (target, {@code Host}) to what was decided
     * @param record  the request's access record, to fill in with what the decision learnt
     * @return the channel to send the request on, which carries Netty {@code HttpObject}s (behind an HTTP/1.1
     * client codec, or an HTTP/2 stream's frame-to-object codec); or a failed future whose failure {@link dev.portcullis.proxy.respond.FailureMapper} turns into
     * the client's answer
     */
    Future<Channel> route(HttpRequest request, AccessRecord record);
}
