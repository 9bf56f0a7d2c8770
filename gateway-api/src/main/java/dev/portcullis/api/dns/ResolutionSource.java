package dev.portcullis.api.dns;

/** Where an answer came from. */
public enum ResolutionSource {
    /** A static override in the dns role's configuration. */
    STATIC,
    /** The dns role's cache, filled by an earlier resolver answer. */
    CACHE,
    /** The gateway's own resolvers, just now. */
    RESOLVER
}
