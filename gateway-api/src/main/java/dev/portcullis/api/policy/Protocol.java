package dev.portcullis.api.policy;

/** What the client is known to speak inside the connection when the decision is asked for. */
public enum Protocol {
    TLS,
    HTTP,
    /** Not known yet or not TLS/HTTP (a CONNECT tunnel before any byte, SSH, ...). */
    TCP
}
