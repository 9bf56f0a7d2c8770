package dev.portcullis.node.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The admin API's JSON answers, so every error has the same shape: {@code {error, message, parameter?}}. */
final class Responses {

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("cache-control", "no-store")
                .end(body.encodePrettily() + "\n");
    }

    /**
     * An error answer.
     *
     * @param error     a stable machine-readable code, e.g. {@code "bad-request"}, {@code "policy-unavailable"}
     * @param message   what went wrong, for a human
     * @param parameter the query parameter at fault, or {@code null}
     */
    static void error(RoutingContext ctx, int status, String error, String message, String parameter) {
        JsonObject body = new JsonObject().put("error", error).put("message", message);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        json(ctx, status, body);
    }
}
