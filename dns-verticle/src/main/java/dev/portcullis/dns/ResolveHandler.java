package dev.portcullis.dns;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.Replies;
import dev.portcullis.api.dns.ResolveRequest;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.dns.cache.ResolutionCache;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.dns.lookup.LookupResult;
import dev.portcullis.dns.overrides.StaticOverrides;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link dev.portcullis.api.bus.Addresses#DNS_RESOLVE}: validates the request, then static overrides
 * first, then the cache (which asks the resolvers on a miss). Replies with a {@link Resolution}, or fails with
 * NXDOMAIN, TIMEOUT, SERVFAIL, or BAD_REQUEST for a malformed message. Never throws.
 */
final class ResolveHandler implements Handler<Message<Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(ResolveHandler.class);

    private final StaticOverrides overrides;
    private final ResolutionCache cache;

    ResolveHandler(StaticOverrides overrides, ResolutionCache cache) {
        this.overrides = overrides;
        this.cache = cache;
    }

    @Override
    public void handle(Message<Object> message) {
        ResolveRequest request;
        try {
            if (!(message.body() instanceof JsonObject body)) {
                throw new IllegalArgumentException("request must be a JSON object {name, family?}");
            }
            request = ResolveRequest.fromJson(body);
        } catch (IllegalArgumentException e) {
            LOG.debug("bad resolve request: {}", e.getMessage());
            Replies.fail(message, e);
            return;
        }
        try {
            Answer fixed = overrides.lookup(request.name(), request.family());
            Future<Answer> answer = fixed != null
                    ? Future.succeededFuture(fixed)
                    : cache.lookup(request.name(), request.family());
            answer.onComplete(done -> reply(message, request, done));
        } catch (RuntimeException e) {
            LOG.warn("resolving {} failed unexpectedly", request.name(), e);
            Replies.fail(message, ErrorCode.INTERNAL, "resolving " + request.name() + " failed: " + e.getMessage());
        }
    }

    private static void reply(Message<Object> message, ResolveRequest request, AsyncResult<Answer> done) {
        if (done.failed()) {
            LOG.debug("resolve {} {}: {}", request.name(), request.family(), done.cause().getMessage());
            Replies.fail(message, done.cause());
            return;
        }
        Answer answer = done.result();
        if (answer.result() instanceof LookupResult.Found found) {
            Resolution resolution = new Resolution(found.addressTexts(), answer.ttlMs(), answer.source());
            LOG.debug("resolve {} {}: {} ({}, ttl {} ms)", request.name(), request.family(), resolution.addresses(),
                    answer.source(), answer.ttlMs());
            message.reply(resolution.toJson());
        } else {
            LookupResult.NotFound notFound = (LookupResult.NotFound) answer.result();
            LOG.debug("resolve {} {}: {} ({})", request.name(), request.family(), notFound.message(), answer.source());
            Replies.fail(message, ErrorCode.NXDOMAIN, notFound.message());
        }
    }
}
