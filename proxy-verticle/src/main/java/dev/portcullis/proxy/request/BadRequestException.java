package dev.portcullis.proxy.request;

/**
 * The client's request cannot be served as sent. Carries the HTTP status to answer (400, 408, 414, 421, 431)
 * and a reason for the body and the log.
 */
public final class BadRequestException extends RuntimeException {

    private final int status;

    public BadRequestException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
