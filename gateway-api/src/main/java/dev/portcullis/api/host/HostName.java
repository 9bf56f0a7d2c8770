package dev.portcullis.api.host;

import io.netty.util.NetUtil;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalised destination: a DNS name in lower-case A-label form without the trailing dot, or an IP literal
 * in canonical text form. Every role compares names only after this normalisation, so a policy written for
 * {@code example.com} also governs {@code EXAMPLE.com.} and {@code bücher.example} matches its
 * {@code xn--bcher-kva.example} form.
 *
 * @param value the normalised text (IPv6 without brackets)
 * @param kind  what the value is
 */
public record HostName(String value, Kind kind) {

    /** What a destination names. */
    public enum Kind { DNS, IPV4, IPV6 }

    /** RFC 1035 §2.3.4. */
    public static final int MAX_NAME_LENGTH = 253;
    public static final int MAX_LABEL_LENGTH = 63;

    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    // Letters, digits, hyphen (RFC 1123 §2.1). '_' is refused: it is not valid in host names, and tolerating it
    // would let two spellings of one destination reach different rules.
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern NUMERIC_TOP_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    public HostName {
        if (value == null || kind == null) {
            throw new IllegalArgumentException("value and kind are required");
        }
    }

    public boolean isIp() {
        return kind != Kind.DNS;
    }

    /**
     * Normalises a host as written by a client (CONNECT authority host, SNI, Host header, policy pattern).
     *
     * @param raw the host, IPv6 literals with or without brackets
     * @return the normalised host
     * @throws InvalidHostException naming the reason when the host is empty, too long, has an empty or
     *                              invalid label, or is a numeric form other than a dotted quad (such as
     *                              {@code 0x7f.1} or {@code 2130706433}, which resolvers read as IPs)
     */
    public static HostName parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidHostException("empty host");
        }
        String host = raw;
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                throw new InvalidHostException("unterminated IPv6 literal: " + printable(raw));
            }
            return ipv6(host.substring(1, host.length() - 1), raw);
        }
        if (host.indexOf(':') >= 0) {
            return ipv6(host, raw);
        }
        if (DOTTED_QUAD.matcher(host).matches()) {
            return new HostName(host, Kind.IPV4);
        }
        return dnsName(host, raw);
    }

    private static HostName dnsName(String host, String raw) {
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new InvalidHostException("empty host");
        }
        String ascii;
        boolean ldh = isLdhName(host);
        if (ldh) {
            // What IDN.toASCII returns for it, without its cost (a StringBuffer per label and more): labels of
            // ASCII only skip Nameprep and Punycode (RFC 3490 §4.1 steps 1, 2, 5-7), and these pass the STD3 and
            // length checks (steps 3, 8), so each comes back as it is.
            ascii = host.toLowerCase(Locale.ROOT);
        } else {
            try {
                ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new InvalidHostException("invalid host name " + printable(raw) + ": " + e.getMessage());
            }
        }
        if (ascii.length() > MAX_NAME_LENGTH) {
            throw new InvalidHostException("host name longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (!ldh) {
            // An LDH name's labels, lower-cased, are LABEL matches of the right length already.
            for (String label : ascii.split("\\.", -1)) {
                if (label.isEmpty()) {
                    throw new InvalidHostException("empty label in host name " + printable(raw));
                }
                if (label.length() > MAX_LABEL_LENGTH) {
                    throw new InvalidHostException("label longer than " + MAX_LABEL_LENGTH + " characters in "
                            + printable(raw));
                }
                if (!LABEL.matcher(label).matches()) {
                    throw new InvalidHostException("invalid character in host name " + printable(raw));
                }
            }
        }
        String top = ascii.substring(ascii.lastIndexOf('.') + 1);
        if (NUMERIC_TOP_LABEL.matcher(top).matches()) {
            // 127.1, 0x7f.0.0.1 and 2130706433 are IPv4 to inet_aton but not dotted quads: ambiguous, refuse.
            throw new InvalidHostException("numeric host that is not a dotted-quad IPv4 address: " + printable(raw));
        }
        return new HostName(ascii, Kind.DNS);
    }

    /**
     * Whether every label is 1-63 letters (either case), digits and hyphens, neither starting nor ending with a
     * hyphen: a name IDN.toASCII would return unchanged.
     */
    static boolean isLdhName(String host) {
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH || host.charAt(labelStart) == '-'
                        || host.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static HostName ipv6(String literal, String raw) {
        // Netty's parser never resolves: InetAddress.getByName would ask the system resolver for text such as
        // ".:1" that merely looks like a literal, blocking the event loop on attacker input.
        InetAddress address = NetUtil.isValidIpV6Address(literal)
                ? NetUtil.createInetAddressFromIpAddressString(literal) : null;
        if (address == null || literal.indexOf('%') >= 0) {
            throw new InvalidHostException("invalid IPv6 literal: " + printable(raw));
        }
        String text = NetUtil.toAddressString(address);
        return address.getAddress().length == 4 ? new HostName(text, Kind.IPV4) : new HostName(text, Kind.IPV6);
    }

    /** Bounds and escapes client-supplied text before it goes into a message or a log line. */
    public static String printable(String raw) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(raw.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') {
                out.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                out.append(c);
            }
        }
        if (raw.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
