package dev.portcullis.proxy.respond;

import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.proxy.intercept.UpstreamUntrustedException;
import dev.portcullis.proxy.reverse.NoHealthyBackendException;
import dev.portcullis.proxy.connection.LimitExceededException;
import dev.portcullis.proxy.decide.DeniedException;
import dev.portcullis.proxy.dial.UpstreamConnectException;
import dev.portcullis.proxy.exchange.UpstreamProtocolException;
import dev.portcullis.proxy.guard.GuardRefusedException;
import dev.portcullis.proxy.request.BadRequestException;

/**
 * Turns any failure of a connection's stages into the answer the client gets: an HTTP status with an RFC 9209
 * {@code Proxy-Status} where the client speaks HTTP, a fatal TLS alert (RFC 8446 §6) where it has sent a
 * ClientHello. The one place where this mapping lives (README, "What happens to one connection").
 */
public final class FailureMapper {

    private FailureMapper() {
    }

    public static ErrorResponse toResponse(Throwable failure) {
        if (failure instanceof BadRequestException bad) {
            // 421: a request for another host inside a connection to this one (domain fronting) is refused by
            // the gateway's rules, not malformed.
            return new ErrorResponse(bad.status(), bad.status() == 421 ? "http_request_denied" : "http_request_error",
                    bad.getMessage());
        }
        if (failure instanceof DeniedException denied) {
            return new ErrorResponse(403, "http_request_denied", denied.getMessage());
        }
        if (failure instanceof LimitExceededException limit) {
            return new ErrorResponse(limit.status(), limit.status() == 429 ? "http_request_denied" : "proxy_internal_error",
                    limit.getMessage());
        }
        if (failure instanceof GuardRefusedException refused) {
            return new ErrorResponse(403, "destination_ip_prohibited", refused.getMessage());
        }
        if (failure instanceof UpstreamConnectException connect) {
            return connect.timedOut()
                    ? new ErrorResponse(504, "connection_timeout", connect.getMessage())
                    : new ErrorResponse(502, "connection_refused", connect.getMessage());
        }
        if (failure instanceof UpstreamUntrustedException untrusted) {
            return new ErrorResponse(502, "tls_certificate_error", untrusted.getMessage());
        }
        if (failure instanceof NoHealthyBackendException none) {
            return new ErrorResponse(503, "destination_unavailable", none.getMessage());
        }
        if (failure instanceof UpstreamProtocolException protocol) {
            return new ErrorResponse(502, "http_protocol_error", protocol.getMessage());
        }
        if (failure instanceof GatewayException gateway) {
            return switch (gateway.code()) {
                case POLICY_UNAVAILABLE -> new ErrorResponse(503, "proxy_internal_error",
                        "policy unavailable: failing closed (" + gateway.getMessage() + ")");
                case DNS_UNAVAILABLE -> new ErrorResponse(503, "proxy_internal_error", gateway.getMessage());
                case NXDOMAIN -> new ErrorResponse(502, "dns_error; rcode=NXDOMAIN", gateway.getMessage());
                case SERVFAIL -> new ErrorResponse(502, "dns_error; rcode=SERVFAIL", gateway.getMessage());
                case TIMEOUT -> new ErrorResponse(504, "dns_timeout", gateway.getMessage());
                case BAD_REQUEST -> new ErrorResponse(400, "http_request_error", gateway.getMessage());
                default -> new ErrorResponse(500, "proxy_internal_error", gateway.getMessage());
            };
        }
        return new ErrorResponse(500, "proxy_internal_error", "internal error: " + failure);
    }

    /**
     * Whether answering {@code failure} ends an HTTP/1.1 client connection. A refusal about the request's
     * destination (denied by the policy or the destination guard, a name that does not resolve, an upstream that
     * does not answer) leaves the client's stream of requests in step, so the next one is served; a malformed or
     * misdirected request (400, 421) or a fault of the gateway itself (500, 503: fail closed) ends it.
     */
    public static boolean endsConnection(Throwable failure) {
        if (failure instanceof DeniedException || failure instanceof GuardRefusedException
                || failure instanceof UpstreamConnectException || failure instanceof UpstreamUntrustedException
                || failure instanceof NoHealthyBackendException) {
            return false;
        }
        if (failure instanceof GatewayException gateway) {
            return switch (gateway.code()) {
                case NXDOMAIN, SERVFAIL, TIMEOUT -> false;
                default -> true;
            };
        }
        return true;
    }

    /**
     * The alert for a failure met after the client's ClientHello: {@code access_denied} when the policy or the
     * destination guard refused, {@code internal_error} when a part of the fleet, DNS or the upstream failed.
     */
    public static int toAlert(Throwable failure) {
        if (failure instanceof DeniedException || failure instanceof GuardRefusedException) {
            return TlsAlert.ACCESS_DENIED;
        }
        return TlsAlert.INTERNAL_ERROR;
    }
}
