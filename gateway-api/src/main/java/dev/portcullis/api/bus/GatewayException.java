package dev.portcullis.api.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failure of a call between roles, with the code that tells the caller what to do about it and a message
 * fit for a log line or an HTTP error body.
 */
public final class GatewayException extends RuntimeException {

    private final ErrorCode code;

    public GatewayException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /**
     * Turns a failed event-bus request into a {@code GatewayException}.
     *
     * @param failure     what the request failed with
     * @param unavailable the code to use when nobody answered (no handler registered, or timeout)
     * @param role        the role asked, for the message ("policy", "dns")
     */
    public static GatewayException fromBus(Throwable failure, ErrorCode unavailable, String role) {
        if (failure instanceof GatewayException gatewayException) {
            return gatewayException;
        }
        if (failure instanceof ReplyException reply) {
            if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
                return new GatewayException(unavailable, role + " unavailable: no " + role + " role in the cluster");
            }
            if (reply.failureType() == ReplyFailure.TIMEOUT) {
                return new GatewayException(unavailable, role + " unavailable: no answer in time");
            }
            ErrorCode code = ErrorCode.fromFailureCode(reply.failureCode());
            if (code != null) {
                return new GatewayException(code, reply.getMessage());
            }
        }
        return new GatewayException(unavailable, role + " unavailable: " + failure.getMessage());
    }
}
