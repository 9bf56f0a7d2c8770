package dev.portcullis.dns.lookup;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A definite answer about a name: either addresses ({@link Found}) or a statement that there are none
 * ({@link NotFound}). Both are worth caching. Transient trouble (timeouts, resolver errors) is not a result: it
 * fails the future instead, so that it is never cached.
 */
public sealed interface LookupResult {

    /**
     * The name has addresses.
     *
     * @param addresses in the order to try them, IPv4 before IPv6; never empty
     * @param ttl       how long the resolvers said the answer stays valid (the smallest record TTL), before
     *                  the cache clamps it
     */
    record Found(List<InetAddress> addresses, Duration ttl) implements LookupResult {

        public Found {
            if (addresses == null || addresses.isEmpty()) {
                throw new IllegalArgumentException("addresses must not be empty");
            }
            addresses = List.copyOf(addresses);
            if (ttl == null || ttl.isNegative()) {
                throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
            }
        }

        /** The addresses as canonical text ({@link InetAddress#getHostAddress()}), the form the bus carries. */
        public List<String> addressTexts() {
            List<String> texts = new ArrayList<>(addresses.size());
            for (InetAddress address : addresses) {
                texts.add(address.getHostAddress());
            }
            return texts;
        }

        /** Only the addresses of one family, keeping their order; may be empty. */
        public static List<InetAddress> ofFamily(List<InetAddress> addresses, boolean ipv4) {
            List<InetAddress> out = new ArrayList<>(addresses.size());
            for (InetAddress address : addresses) {
                if ((address instanceof Inet4Address) == ipv4) {
                    out.add(address);
                }
            }
            return out;
        }
    }

    /**
     * The name has no address of the asked family.
     *
     * @param reason  which of the two negative answers it was
     * @param message a sentence for the caller's log line, naming the name and the record types
     */
    record NotFound(Reason reason, String message) implements LookupResult {

        public NotFound {
            if (reason == null || message == null || message.isEmpty()) {
                throw new IllegalArgumentException("reason and message are required");
            }
        }
    }

    /** The two negative answers of RFC 2308 §1; both are cached for negative-ttl (RFC 2308 §5). */
    enum Reason {
        /** The name does not exist (rcode NXDOMAIN). */
        NXDOMAIN,
        /** The name exists but has no record of the asked type (NOERROR with an empty answer, "NODATA"). */
        NO_ADDRESS
    }
}
