package dev.portcullis.node.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.node.cluster.MemberRegistry;
import dev.portcullis.node.config.AdminSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The admin HTTP API, on every node:
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the node runs;</li>
 *   <li>{@code GET /readyz}: 200 when the policy and dns roles answer this node within 1 s, else 503 with
 *       {@code missing} naming the roles that did not ({@link Readiness}); 503 with {@code draining} once the
 *       node drains;</li>
 *   <li>{@code GET /api/v1/decide?host=&port=&client=}: a policy dry run ({@link DecideHandler});</li>
 *   <li>{@code GET /api/v1/policy}: the policy role's info (version, rule count, file), 503 without one;</li>
 *   <li>{@code GET /api/v1/cluster}: the live members with their node ids, roles, admin address and listeners.</li>
 * </ul>
 * With an {@link AdminToken} every endpoint but {@code /healthz} requires {@code Authorization: Bearer <token>}
 * ({@link BearerAuth}); bound to a non-loopback address the node does not start without one. Without a token it
 * binds loopback (the default), where only this host can reach it.
 */
public final class AdminServer {

    /** How long {@code /api/v1/policy} waits for the policy role. */
    private static final Duration POLICY_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final String nodeId;
    private final MemberRegistry members;
    private final PrometheusMeterRegistry metrics;
    private final AdminToken token;
    private final BooleanSupplier draining;

    /**
     * @param nodeId  this node's id, reported by {@code /healthz} and {@code /api/v1/cluster}
     * @param members the cluster's member registry
     * @param metrics what {@code /metrics} serves, in Prometheus text format
     * @param token   the bearer token every endpoint but {@code /healthz} requires, or {@code null} for none
     *                (only allowed on loopback, see {@link AdminToken#resolve})
     * @param draining whether the node is draining, when {@code /readyz} answers 503 whatever the roles say
     */
    public AdminServer(Vertx vertx, String nodeId, MemberRegistry members, PrometheusMeterRegistry metrics,
                       AdminToken token, BooleanSupplier draining) {
        this.draining = draining;
        this.metrics = metrics;
        this.token = token;
        this.vertx = vertx;
        this.nodeId = nodeId;
        this.members = members;
    }

    /**
     * Starts listening.
     *
     * @return a future completed with the bound server ({@code actualPort()} tells the port when 0 was asked),
     * or failed when the address cannot be bound
     */
    public Future<HttpServer> listen(AdminSettings settings) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()))
                .requestHandler(router(settings))
                .listen();
    }

    private Router router(AdminSettings settings) {
        Router router = Router.router(vertx);
        Readiness readiness = new Readiness(vertx, Duration.ofMillis(Readiness.DEFAULT_TIMEOUT_MS));
        if (token != null) {
            // First, so that no endpoint (the 404 for unknown paths included) answers before the token is checked;
            // /healthz and /readyz stay open for the kubelet's probes, which cannot carry a secret: /healthz tells
            // nothing but "up" and the node id, /readyz without the token only whether the node is ready and which
            // roles it misses (deploy/k8s/). /proxy.pac too when served: browsers and OS proxy settings fetch it
            // without credentials (PacFile).
            router.route().order(-1).handler(new BearerAuth(token, settings.pac().enabled()
                    ? Set.of("/healthz", "/readyz", "/proxy.pac") : Set.of("/healthz", "/readyz")));
        }
        router.get("/healthz").handler(ctx -> Responses.json(ctx, 200,
                new JsonObject().put("status", "up").put("nodeId", nodeId)));
        router.get("/readyz").handler(this.readiness(readiness));
        router.get("/api/v1/decide").handler(new DecideHandler(new PolicyClient(vertx)));
        router.get("/api/v1/policy").handler(this::policyInfo);
        router.get("/api/v1/cluster").handler(this::cluster);
        router.get("/ca.pem").handler(this::caRoot);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
        if (settings.pac().enabled()) {
            router.get("/proxy.pac").handler(new PacFile(vertx, settings.pac()));
        }
        router.route().last().handler(ctx -> Responses.error(ctx, 404, "not-found",
                "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath(), null));
        return router;
    }

    /**
     * A draining node is unready at once, without asking the roles: the load balancer must stop sending it new
     * connections before its listeners stop accepting (README, "Drain and rolling restarts").
     */
    private Handler<RoutingContext> readiness(Readiness readiness) {
        return ctx -> {
            if (draining.getAsBoolean()) {
                Responses.json(ctx, 503, new JsonObject().put("ready", false).put("draining", true));
                return;
            }
            readiness.probe().onSuccess(result -> {
                int status = result.getBoolean("ready") ? 200 : 503;
                // Without the token (a probe cannot carry one) only whether it is ready and what is missing.
                Responses.json(ctx, status, BearerAuth.authorized(ctx) ? result.put("nodeId", nodeId)
                        : new JsonObject().put("ready", result.getBoolean("ready"))
                        .put("missing", result.getValue("missing")));
            });
        };
    }

    private void policyInfo(RoutingContext ctx) {
        DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(POLICY_TIMEOUT.toMillis());
        vertx.eventBus().<JsonObject>request(Addresses.POLICY_INFO, new JsonObject(), delivery).onComplete(answer -> {
            if (answer.succeeded()) {
                Responses.json(ctx, 200, answer.result().body());
            } else {
                Responses.error(ctx, 503, "policy-unavailable", GatewayException
                        .fromBus(answer.cause(), ErrorCode.POLICY_UNAVAILABLE, "policy").getMessage(), null);
            }
        });
    }

    /** The root clients of decrypted connections must trust; a certificate only, never a key. */
    private void caRoot(RoutingContext ctx) {
        new CaClient(vertx).root().onComplete(answer -> {
            if (answer.succeeded()) {
                ctx.response().putHeader("content-type", "application/x-pem-file")
                        .putHeader("x-portcullis-fingerprint-sha256", answer.result().fingerprintSha256())
                        .end(answer.result().rootPem());
            } else {
                Responses.error(ctx, 503, "ca-unavailable", answer.cause().getMessage(), null);
            }
        });
    }

    private void cluster(RoutingContext ctx) {
        members.members().onComplete(answer -> {
            if (answer.succeeded()) {
                Responses.json(ctx, 200, new JsonObject().put("self", nodeId).put("members", answer.result()));
            } else {
                Responses.error(ctx, 503, "cluster-unavailable",
                        "cannot read the member registry: " + answer.cause().getMessage(), null);
            }
        });
    }
}
