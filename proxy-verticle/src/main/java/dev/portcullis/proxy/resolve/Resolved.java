package dev.portcullis.proxy.resolve;

import java.util.List;

/**
 * Where a destination name leads.
 *
 * @param addresses in the order to try them; never empty
 * @param stale     {@code true} when the answer was past its TTL and used because no dns role answered
 *                  ({@code proxy.dns-serve-stale}, RFC 8767)
 */
public record Resolved(List<String> addresses, boolean stale) {

    public Resolved {
        addresses = List.copyOf(addresses);
    }

    /** Addresses from a fresh answer, or an IP literal as it is. */
    static Resolved fresh(List<String> addresses) {
        return new Resolved(addresses, false);
    }
}
