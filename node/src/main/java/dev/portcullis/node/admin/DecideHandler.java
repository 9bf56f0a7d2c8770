package dev.portcullis.node.admin;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/decide?host=H&port=P[&client=IP]}: asks the policy what it would decide for an explicit-proxy
 * CONNECT (protocol tcp, listener {@value #LISTENER}) without making any connection.
 * <ul>
 *   <li>200: {@code {request, verdict, inspection, rule, reason, policyVersion, ...}} (the decision);</li>
 *   <li>400: a parameter is missing or malformed; {@code parameter} names it;</li>
 *   <li>503: no policy role answered.</li>
 * </ul>
 * {@code client} defaults to {@value #DEFAULT_CLIENT}.
 */
final class DecideHandler implements Handler<RoutingContext> {

    /** {@value}: the listener name dry-run decisions carry, so policies and logs can tell them apart. */
    static final String LISTENER = "admin";
    /** {@value} */
    static final String DEFAULT_CLIENT = "127.0.0.1";

    private final PolicyClient policy;

    DecideHandler(PolicyClient policy) {
        this.policy = policy;
    }

    @Override
    public void handle(RoutingContext ctx) {
        DecideRequest request;
        try {
            request = new DecideRequest(host(ctx), port(ctx), client(ctx), LISTENER, Mode.EXPLICIT, Protocol.TCP,
                    null);
        } catch (BadParameter e) {
            Responses.error(ctx, 400, "bad-request", e.getMessage(), e.parameter);
            return;
        }
        policy.decide(request).onComplete(answer -> {
            if (answer.succeeded()) {
                Responses.json(ctx, 200, answer.result().toJson().put("request", request.toJson()));
                return;
            }
            GatewayException failure = GatewayException.fromBus(answer.cause(), ErrorCode.POLICY_UNAVAILABLE,
                    "policy");
            switch (failure.code()) {
                case POLICY_UNAVAILABLE -> Responses.error(ctx, 503, "policy-unavailable", failure.getMessage(), null);
                case BAD_REQUEST -> Responses.error(ctx, 400, "bad-request", failure.getMessage(), null);
                default -> Responses.error(ctx, 500, "internal", failure.getMessage(), null);
            }
        });
    }

    private static String host(RoutingContext ctx) {
        String raw = required(ctx, "host");
        try {
            return HostName.parse(raw).value();
        } catch (InvalidHostException e) {
            throw new BadParameter("host", "host " + e.getMessage());
        }
    }

    private static int port(RoutingContext ctx) {
        String raw = required(ctx, "port");
        int port;
        try {
            port = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new BadParameter("port", "port must be 1-65535, was " + HostName.printable(raw));
        }
        return port;
    }

    private static String client(RoutingContext ctx) {
        String raw = ctx.request().getParam("client");
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_CLIENT;
        }
        try {
            HostName client = HostName.parse(raw);
            if (client.isIp()) {
                return client.value();
            }
        } catch (InvalidHostException e) {
            // Reported below with what is expected.
        }
        throw new BadParameter("client", "client must be an IP address, was " + HostName.printable(raw));
    }

    private static String required(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            throw new BadParameter(name, name + " is required");
        }
        return value;
    }

    /** A query parameter is missing or malformed. */
    private static final class BadParameter extends RuntimeException {

        private final String parameter;

        BadParameter(String parameter, String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }
    }
}
