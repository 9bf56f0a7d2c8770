package dev.portcullis.api.dns;

/** Which address records to ask for. */
public enum AddressFamily {
    /** A and AAAA, IPv4 first. */
    ANY,
    IPV4,
    IPV6
}
