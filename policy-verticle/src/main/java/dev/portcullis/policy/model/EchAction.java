package dev.portcullis.policy.model;

/**
 * What the policy does with a ClientHello carrying {@code encrypted_client_hello}, whose SNI is only the outer,
 * public name (TLS Encrypted Client Hello, draft-ietf-tls-esni). A real one cannot be told from a "GREASE ECH"
 * extension (same draft) by looking at it, by design, and Chromium sends GREASE ECH in every ClientHello for which
 * it holds no ECH configuration, which is every hello through a proxy.
 */
public enum EchAction {

    /** The rules decide on the outer SNI, as for any other ClientHello: the default; browsers work. */
    OUTER_SNI,
    /** Refused before any rule, with rule {@code ech}: strict, and it refuses every Chromium and Firefox hello. */
    DENY
}
