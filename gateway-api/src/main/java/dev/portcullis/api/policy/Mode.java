package dev.portcullis.api.policy;

/** How the connection reached the gateway. */
public enum Mode {
    /** The client asked the gateway by name: {@code CONNECT host:port} or an absolute-form request. */
    EXPLICIT,
    /** Traffic was redirected to the gateway; the name comes from the SNI or the Host header. */
    TRANSPARENT,
    /** A client of a service the gateway fronts, on a reverse listener; the name comes from the SNI and Host. */
    REVERSE
}
