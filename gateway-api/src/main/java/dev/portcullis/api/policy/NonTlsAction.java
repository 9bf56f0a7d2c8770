package dev.portcullis.api.policy;

/** What a decrypt rule does when the client's first bytes are not a TLS ClientHello (or none come). */
public enum NonTlsAction { SPLICE, DENY }
