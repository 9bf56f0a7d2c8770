package dev.portcullis.api.host;

/** A destination that is not a valid host name or IP literal; the message says why, fit for a 400 body. */
public final class InvalidHostException extends IllegalArgumentException {

    public InvalidHostException(String message) {
        super(message);
    }
}
