package dev.portcullis.proxy.exchange;

import dev.portcullis.proxy.access.AccessRecord;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.Future;

/**
 * Where one request of an {@link HttpExchange} goes: decided, and rewritten as it must go upstream, before a byte
 * of it is sent. A decrypted connection routes every request to its one verified upstream once the request gate
 * passed it; a plain forward connection admits each request on its own and may change upstreams between them.
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

    /**
     * Whether the client connection outlives an upstream that closes between requests, or that says it will close
     * after a response: a route that connects again when the next request needs it says yes; one bound to its one
     * upstream (a decrypted connection's) says no, and the client connection ends with that upstream.
     */
    default boolean redials() {
        return false;
    }

    /** Rewrites a response head from upstream before it goes to the client (a forward proxy's hop-by-hop rules). */
    default void respond(HttpResponse response) {
    }

    /** The exchange is done with the request last routed: answered, refused, upgraded or cut off. */
    default void ended() {
    }
}
