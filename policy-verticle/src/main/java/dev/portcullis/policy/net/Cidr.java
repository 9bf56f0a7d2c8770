package dev.portcullis.policy.net;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address range written as {@code network/prefix}.
 *
 * <p>Hand-written because neither the JDK nor Netty has a fitting one: the JDK has no CIDR type at all, and
 * Netty's {@code IpSubnetFilterRule} is an accept/reject filter over {@code InetSocketAddress} that neither
 * reports a canonical text form (needed for the decision's guard lists) nor folds IPv4-mapped IPv6 clients.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address (a single-address range).
     * An IPv4-mapped IPv6 range ({@code ::ffff:10.0.0.0/104}) becomes the IPv4 range it covers, because
     * mapped client addresses are compared as IPv4 too.
     *
     * @throws IllegalArgumentException naming the problem: not an address, prefix out of range, or host bits set
     *                                  beyond the prefix (a typo that would otherwise silently change the range)
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = IpLiteral.parse(addressText);
        if (address == null || addressText.startsWith("[") || addressText.indexOf('%') >= 0) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': '" + addressText
                    + "' is not an IP address");
        }
        boolean writtenAsIpv6 = addressText.indexOf(':') >= 0;
        int maxPrefix = writtenAsIpv6 ? 128 : 32;
        int prefix = slash < 0 ? maxPrefix : parsePrefix(text, text.substring(slash + 1), maxPrefix);
        if (writtenAsIpv6 && address.length == 4) {
            if (prefix < 96) {
                throw new IllegalArgumentException("invalid CIDR '" + text
                        + "': an IPv4-mapped range needs a prefix of at least 96");
            }
            prefix -= 96;
        }
        byte[] masked = mask(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': host bits set beyond /" + prefix
                    + " (the network is " + IpLiteral.format(masked) + "/" + prefix + ")");
        }
        return new Cidr(masked, prefix);
    }

    /**
     * @param address 4 or 16 address bytes; IPv4-mapped IPv6 is compared as IPv4
     * @return whether the address lies in this range; an IPv4 address is never in an IPv6 range and vice versa
     */
    public boolean contains(byte[] address) {
        byte[] candidate = IpLiteral.unmap(address);
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength >>> 3;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength & 7;
        if (remainingBits == 0) {
            return true;
        }
        int byteMask = (0xff << (8 - remainingBits)) & 0xff;
        return (candidate[fullBytes] & byteMask) == (network[fullBytes] & 0xff);
    }

    /** @see #contains(byte[]) */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The canonical form: the network address ({@link IpLiteral#format}), a slash and the prefix length. */
    @Override
    public String toString() {
        return IpLiteral.format(network) + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefixLength == prefixLength
                && Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    private static int parsePrefix(String text, String prefixText, int maxPrefix) {
        if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': prefix must be a number 0-" + maxPrefix);
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > maxPrefix) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': prefix must be 0-" + maxPrefix
                    + ", was " + prefix);
        }
        return prefix;
    }

    private static byte[] mask(byte[] address, int prefixLength) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefixLength - 8 * i));
            out[i] = (byte) (out[i] & ((0xff << (8 - bitsHere)) & 0xff));
        }
        return out;
    }
}
