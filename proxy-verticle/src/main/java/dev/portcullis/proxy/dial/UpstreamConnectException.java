package dev.portcullis.proxy.dial;

/** No allowed address accepted the connection; says which were tried and why the last one failed. */
public final class UpstreamConnectException extends RuntimeException {

    private final boolean timedOut;

    public UpstreamConnectException(String message, boolean timedOut) {
        super(message, null, false, false);
        this.timedOut = timedOut;
    }

    /** Whether the last attempt ran out of time (504) rather than being refused (502). */
    public boolean timedOut() {
        return timedOut;
    }
}
