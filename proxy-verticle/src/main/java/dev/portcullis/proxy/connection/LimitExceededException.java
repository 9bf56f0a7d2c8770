package dev.portcullis.proxy.connection;

/**
 * A new connection would exceed a limit of {@link ConnectionLimits}: {@code 429} for one client's own limits
 * (RFC 6585 §4), {@code 503} for the node's (RFC 9110 §15.6.4). The message names the limit and its key.
 */
public final class LimitExceededException extends RuntimeException {

    private final int status;

    public LimitExceededException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
