package dev.portcullis.api.policy;

/**
 * Why a decision came out as it did. The same names appear in the access log's {@code reason} field and in
 * metrics, so they cannot drift apart.
 */
public enum DecisionReason {
    /** A rule matched; {@code rule} names it. */
    RULE,
    /** No rule matched; the policy's default action applied. */
    DEFAULT,
    /** The destination is an IP literal and no CIDR rule matched it. */
    IP_LITERAL,
    /** Transparent TLS without SNI, refused by the policy's {@code no-sni} action; {@code rule} is "no-sni". */
    NO_SNI,
    /** A ClientHello with {@code encrypted_client_hello}, refused by the policy's {@code ech} action. */
    ECH
}
