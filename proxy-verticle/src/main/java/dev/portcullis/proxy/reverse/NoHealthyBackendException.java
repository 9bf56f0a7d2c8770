package dev.portcullis.proxy.reverse;

/** Every backend of a service is out (its health check failing): answered 503, the connection goes on. */
public final class NoHealthyBackendException extends RuntimeException {

    public NoHealthyBackendException(String service, int backends) {
        super("no healthy backend for service '" + service + "' (" + backends + " configured, all failing their "
                + "health check)", null, false, false);
    }
}
