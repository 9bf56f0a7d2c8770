package dev.portcullis.node.fleet;

/** The fleet's event-bus credentials cannot be read, generated or used; the message names the file. */
public final class FleetCredentialsException extends RuntimeException {

    public FleetCredentialsException(String message) {
        super(message);
    }

    public FleetCredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
