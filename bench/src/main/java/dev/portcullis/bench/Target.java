package dev.portcullis.bench;

import java.net.InetSocketAddress;

/**
 * Where the benchmark sends its traffic: straight to the origin ({@code direct}), through an HTTP proxy that
 * accepts {@code CONNECT}, or to a transparent proxy's listeners as if redirected there (no CONNECT; the proxy
 * finds the origin by the SNI or the Host header).
 *
 * @param name         the name printed in tables and JSON; {@value #DIRECT} for no proxy
 * @param address      the proxy's address (for a transparent target, its listener for the origin's TLS port), or
 *                     {@code null} for {@code direct}
 * @param plainAddress a transparent target's listener for the origin's plain-HTTP port; {@code null} otherwise
 */
public record Target(String name, InetSocketAddress address, InetSocketAddress plainAddress) {

    /** Prefix of a transparent target's address: {@code NAME=redirect:HOST:TLSPORT,PLAINPORT}. */
    public static final String REDIRECT = "redirect:";

    /** The name of the target without a proxy. */
    public static final String DIRECT = "direct";

    /** The target name whose ratios against every other proxy are printed. */
    public static final String PORTCULLIS = "portcullis";

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException if the name is blank or not a plain word, or if {@code direct} has an
     *                                  address or a proxy has none
     */
    public Target {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("target name must be letters, digits, '.', '_' or '-', was '"
                    + name + "'");
        }
        if (DIRECT.equals(name) != (address == null)) {
            throw new IllegalArgumentException(DIRECT.equals(name)
                    ? "target 'direct' takes no address" : "target '" + name + "' needs host:port");
        }
    }

    /**
     * Parses {@code direct} or {@code NAME=HOST:PORT}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Target parse(String spec) {
        if (DIRECT.equals(spec)) {
            return new Target(DIRECT, null, null);
        }
        int redirect = spec.indexOf("=" + REDIRECT);
        if (redirect > 0) {
            // NAME=redirect:HOST:TLSPORT,PLAINPORT — two CONNECT-style specs sharing the host.
            String rest = spec.substring(redirect + 1 + REDIRECT.length());
            int comma = rest.lastIndexOf(',');
            int colon = rest.lastIndexOf(':', comma < 0 ? rest.length() : comma);
            if (comma < 0 || colon < 0) {
                throw new IllegalArgumentException("transparent target must be NAME=redirect:HOST:TLSPORT,PLAINPORT,"
                        + " was '" + spec + "'");
            }
            String name = spec.substring(0, redirect);
            String host = rest.substring(0, colon);
            Target tls = parse(name + "=" + host + ":" + rest.substring(colon + 1, comma));
            Target plain = parse(name + "=" + host + ":" + rest.substring(comma + 1));
            return new Target(name, tls.address(), plain.address());
        }
        int equals = spec.indexOf('=');
        int colon = spec.lastIndexOf(':');
        if (equals <= 0 || colon < equals + 2 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("target must be 'direct' or NAME=HOST:PORT, was '" + spec + "'");
        }
        String host = spec.substring(equals + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target port must be a number, was '" + spec + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target port must be 1-65535, was " + port);
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("target host '" + host + "' does not resolve");
        }
        return new Target(spec.substring(0, equals), address, null);
    }

    /** Whether traffic goes to the proxy's listeners without CONNECT, as if redirected there. */
    public boolean isTransparent() {
        return plainAddress != null;
    }

    /** Whether this is the target without a proxy. */
    public boolean isDirect() {
        return address == null;
    }

    @Override
    public String toString() {
        if (isDirect()) {
            return name;
        }
        String where = address.getHostString() + ":" + address.getPort();
        return isTransparent() ? name + "=" + REDIRECT + where + "," + plainAddress.getPort() : name + "=" + where;
    }
}
