package dev.portcullis.api.bus;

import io.vertx.core.eventbus.Message;

/** Answers a request that failed, with the code and message the caller will see. */
public final class Replies {

    private Replies() {
    }

    public static void fail(Message<?> message, ErrorCode code, String reason) {
        message.fail(code.failureCode(), reason);
    }

    /** Maps a failure while handling a request: validation errors become BAD_REQUEST, ours keep their code. */
    public static void fail(Message<?> message, Throwable failure) {
        if (failure instanceof GatewayException gatewayException) {
            fail(message, gatewayException.code(), gatewayException.getMessage());
        } else if (failure instanceof IllegalArgumentException) {
            fail(message, ErrorCode.BAD_REQUEST, failure.getMessage());
        } else {
            // A foreign exception's text may carry anything (a key, a path); the caller gets only its kind.
            fail(message, ErrorCode.INTERNAL, "internal error (" + failure.getClass().getSimpleName() + ")");
        }
    }
}
