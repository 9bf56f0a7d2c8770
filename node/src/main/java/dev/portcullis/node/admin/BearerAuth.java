package dev.portcullis.node.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Lets a request on only with {@code Authorization: Bearer <token>} (RFC 6750 §2.1); otherwise 401 with a
 * {@code WWW-Authenticate: Bearer} challenge (RFC 6750 §3). Paths in {@code open} (the kubelet's probes, which
 * cannot send a secret: a probe's headers are literals in the manifest) pass without; their handlers read
 * {@link #authorized} to decide how much to say.
 */
final class BearerAuth implements Handler<RoutingContext> {

    private static final String REALM = "Bearer realm=\"portcullis-admin\"";
    private static final String PREFIX = "bearer ";
    private static final String AUTHORIZED = "portcullis.admin.authorized";

    private final AdminToken token;
    private final Set<String> open;

    BearerAuth(AdminToken token, Set<String> open) {
        this.token = token;
        this.open = Set.copyOf(open);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (open.contains(ctx.normalizedPath())) {
            ctx.put(AUTHORIZED, header != null && header.length() > PREFIX.length()
                    && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                    && token.matches(header.substring(PREFIX.length()).trim()));
            ctx.next();
            return;
        }
        if (header == null || header.length() <= PREFIX.length()
                || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            refuse(ctx, REALM, "an Authorization: Bearer token is required");
            return;
        }
        if (!token.matches(header.substring(PREFIX.length()).trim())) {
            refuse(ctx, REALM + ", error=\"invalid_token\"", "the bearer token is not valid");
            return;
        }
        ctx.put(AUTHORIZED, true);
        ctx.next();
    }

    /** Whether the request carried the valid token; {@code true} when the API has no token at all. */
    static boolean authorized(RoutingContext ctx) {
        Boolean authorized = ctx.get(AUTHORIZED);
        return authorized == null || authorized;
    }

    private static void refuse(RoutingContext ctx, String challenge, String message) {
        ctx.response().putHeader("WWW-Authenticate", challenge);
        Responses.error(ctx, 401, "unauthorized", message, null);
    }
}
