package dev.portcullis.proxy.guard;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Classifies destination addresses. IPv6 forms that carry an IPv4 address (mapped {@code ::ffff:a.b.c.d},
 * NAT64 {@code 64:ff9b::/96} and the local-use {@code 64:ff9b:1::/96} of RFC 8215, 6to4 {@code 2002::/16}) are
 * classified by the IPv4 address inside, so they cannot be used to slip a loopback or metadata address past the
 * guard.
 */
public final class AddressClassifier {

    private final Set<InetAddress> ownAddresses;

    /** @param ownAddresses the addresses of this host's interfaces, classified {@link AddressClass#SELF} */
    public AddressClassifier(Set<InetAddress> ownAddresses) {
        this.ownAddresses = Set.copyOf(ownAddresses);
    }

    /** A classifier that knows this host's interface addresses, read once. */
    public static AddressClassifier forThisHost() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(nic.getInetAddresses()).stream()
                        .map(AddressClassifier::withoutScope).toList());
            }
        } catch (SocketException e) {
            // No interface list: SELF is then never reported, and the CIDR guard still applies.
        }
        return new AddressClassifier(own);
    }

    public AddressClass classify(InetAddress address) {
        InetAddress effective = embeddedIpv4(address);
        if (effective.isAnyLocalAddress()) {
            return AddressClass.UNSPECIFIED;
        }
        if (effective.isLoopbackAddress()) {
            return AddressClass.LOOPBACK;
        }
        if (ownAddresses.contains(withoutScope(effective))) {
            return AddressClass.SELF;
        }
        byte[] b = effective.getAddress();
        if (effective instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 169 && second == 254) {
                return (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254 ? AddressClass.METADATA : AddressClass.LINK_LOCAL;
            }
            if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
                return AddressClass.PRIVATE;
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return AddressClass.CGNAT;
            }
            if (first >= 224 && first <= 239) {
                return AddressClass.MULTICAST;
            }
            if (first == 0 || first >= 240) {
                return AddressClass.RESERVED;
            }
            return AddressClass.PUBLIC;
        }
        if (isEc2MetadataV6(b)) {
            return AddressClass.METADATA;
        }
        if (isNat64LocalUse(b)) {
            // RFC 8215: 64:ff9b:1::/48 is for local use and not globally reachable; any RFC 6052 layout but /96.
            return AddressClass.RESERVED;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return AddressClass.PRIVATE;
        }
        if (effective.isLinkLocalAddress()) {
            return AddressClass.LINK_LOCAL;
        }
        if (effective.isMulticastAddress()) {
            return AddressClass.MULTICAST;
        }
        return AddressClass.PUBLIC;
    }

    /**
     * The IPv4 address an IPv6 address carries (mapped, NAT64 well-known prefix {@code 64:ff9b::/96} of RFC 6052,
     * its local-use {@code 64:ff9b:1::/96} of RFC 8215, 6to4), or the address itself.
     */
    public static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = allZero(b, 0, 12) && !allZero(b, 12, 16) && !(allZero(b, 12, 15) && b[15] <= 1);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        // RFC 8215 section 4: a /96 inside 64:ff9b:1::/48 carries the IPv4 address in its last 32 bits (RFC 6052).
        boolean nat64LocalUse = isNat64LocalUse(b) && allZero(b, 6, 12);
        if (mapped || compatible || nat64 || nat64LocalUse) {
            return ipv4(b[12], b[13], b[14], b[15]);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return ipv4(b[2], b[3], b[4], b[5]);
        }
        return address;
    }

    /** In {@code 64:ff9b:1::/48} (RFC 8215). */
    private static boolean isNat64LocalUse(byte[] b) {
        return b.length == 16 && b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && b[4] == 0x00 && b[5] == 0x01;
    }

    private static boolean isEc2MetadataV6(byte[] b) {
        // fd00:ec2::254
        return (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && allZero(b, 4, 14) && b[14] == 0x02 && b[15] == 0x54;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte a, byte b, byte c, byte d) {
        try {
            return InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid IPv4 address", e);
        }
    }

    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address's own bytes are always valid", e);
        }
    }
}
