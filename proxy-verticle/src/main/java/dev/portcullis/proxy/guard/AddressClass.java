package dev.portcullis.proxy.guard;

/** What kind of address a destination resolved to; named in refusals and the access log. */
public enum AddressClass {
    PUBLIC,
    UNSPECIFIED,
    LOOPBACK,
    /** RFC 1918, and IPv6 unique-local fc00::/7. */
    PRIVATE,
    /** Cloud instance metadata: 169.254.169.254 and fd00:ec2::254. */
    METADATA,
    /** 169.254.0.0/16 and fe80::/10 apart from metadata. */
    LINK_LOCAL,
    /** RFC 6598 shared address space 100.64.0.0/10. */
    CGNAT,
    MULTICAST,
    /** 0.0.0.0/8, 240.0.0.0/4 and other ranges never routed on the internet. */
    RESERVED,
    /** An address of this host's own interfaces. */
    SELF
}
