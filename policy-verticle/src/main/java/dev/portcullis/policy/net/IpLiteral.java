package dev.portcullis.policy.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address text to bytes and back, never resolving a name: only text made of address characters ever reaches
 * {@link InetAddress#getByName}, which then parses and does not look anything up.
 */
public final class IpLiteral {

    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    private static final int MAPPED_PREFIX_LENGTH = 12;

    private IpLiteral() {
    }

    /**
     * Parses an IP literal.
     *
     * @param text a dotted-quad IPv4 address, or an IPv6 address with or without brackets and zone
     * @return 4 bytes for IPv4 (including IPv4-mapped IPv6 such as {@code ::ffff:10.0.0.1}, so that a client
     * reaching a dual-stack listener over IPv4 matches IPv4 ranges), 16 bytes for IPv6, or {@code null} when the
     * text is not an IP literal (a host name, or malformed)
     */
    public static byte[] parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String literal = text;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            // A scope ("fe80::1%eth0") says which interface, not which address; getByName would look it up.
            literal = literal.substring(0, zone);
        }
        if (literal.indexOf(':') >= 0) {
            return parseIpv6(literal);
        }
        return parseIpv4(literal);
    }

    /** @return whether the text is an IPv4 or IPv6 literal as {@link #parse} understands it */
    public static boolean isLiteral(String text) {
        return parse(text) != null;
    }

    /**
     * Folds an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2) to its 4 IPv4 bytes.
     *
     * @return the IPv4 bytes, or {@code address} itself when it is not IPv4-mapped
     */
    public static byte[] unmap(byte[] address) {
        if (address.length != IPV6_LENGTH) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        byte[] ipv4 = new byte[IPV4_LENGTH];
        System.arraycopy(address, MAPPED_PREFIX_LENGTH, ipv4, 0, IPV4_LENGTH);
        return ipv4;
    }

    /**
     * Writes an address as text: dotted quad for IPv4, RFC 5952 §4 for IPv6 (lower-case hex, no leading zeros,
     * the longest run of two or more zero groups, the first if tied, written as {@code ::}).
     */
    public static String format(byte[] address) {
        if (address.length == IPV4_LENGTH) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff);
        }
        if (address.length != IPV6_LENGTH) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static byte[] parseIpv6(String literal) {
        // The JDK treats text as a literal only when it starts with a hex digit or ':'; anything else (".:1")
        // goes to the system resolver, which would block the event loop on a lookup.
        if (literal.isEmpty() || (Character.digit(literal.charAt(0), 16) < 0 && literal.charAt(0) != ':')) {
            return null;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return null;
            }
        }
        try {
            // The JDK already folds ::ffff:a.b.c.d to an Inet4Address, which is what we want.
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Strict dotted quad: four decimal octets 0-255 without leading zeros (which some stacks read as octal). */
    private static byte[] parseIpv4(String literal) {
        byte[] out = new byte[IPV4_LENGTH];
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= literal.length(); i++) {
            char c = i == literal.length() ? '.' : literal.charAt(i);
            if (c == '.') {
                if (digits == 0 || octet == IPV4_LENGTH) {
                    return null;
                }
                out[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null;
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return octet == IPV4_LENGTH ? out : null;
    }
}
