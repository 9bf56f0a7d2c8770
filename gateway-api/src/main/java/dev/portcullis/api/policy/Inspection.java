package dev.portcullis.api.policy;

/** What an allowed connection gets. */
public enum Inspection {
    /** Decryption exception: the bytes pass untouched. */
    SPLICE,
    /** TLS is terminated with a minted certificate and the HTTP inside is inspected. */
    DECRYPT
}
