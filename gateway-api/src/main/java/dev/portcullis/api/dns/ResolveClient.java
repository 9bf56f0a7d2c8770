package dev.portcullis.api.dns;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.bus.RoleRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;

/** Asks the dns role, over the event bus, to resolve a name with the gateway's own resolvers. */
public final class ResolveClient {

    /** Default time to wait: a resolver timeout plus one retry fit inside it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(6);

    private final RoleRequests requests;

    public ResolveClient(Vertx vertx) {
        this(vertx, DEFAULT_TIMEOUT);
    }

    public ResolveClient(Vertx vertx, Duration timeout) {
        this(vertx, timeout, RoleRequests.UNBOUNDED);
    }

    /** @param maxPending how many requests may wait at once; past it they fail at once ({@link RoleRequests}) */
    public ResolveClient(Vertx vertx, Duration timeout, int maxPending) {
        this.requests = new RoleRequests(vertx, "dns", ErrorCode.DNS_UNAVAILABLE, timeout, maxPending);
    }

    /**
     * Resolves a name.
     *
     * @return a future completed with at least one address, or failed with a {@link GatewayException} whose code
     * is {@link ErrorCode#NXDOMAIN}, {@link ErrorCode#TIMEOUT}, {@link ErrorCode#SERVFAIL}, or
     * {@link ErrorCode#DNS_UNAVAILABLE} when no dns role answered
     */
    public Future<Resolution> resolve(ResolveRequest request) {
        return requests.request(Addresses.DNS_RESOLVE, request.toJson()).map(Resolution::fromJson);
    }

    /**
     * Names the dns role recently answered to {@code client} with {@code address} (see {@link RecentNamesRequest}).
     *
     * @return a future completed with the names, most recent first (empty when none), or failed with a
     * {@link GatewayException} ({@link ErrorCode#DNS_UNAVAILABLE} when no dns role answered)
     */
    public Future<RecentNames> recentNames(RecentNamesRequest request) {
        return requests.request(Addresses.DNS_RECENT_NAMES, request.toJson()).map(RecentNames::fromJson);
    }
}
