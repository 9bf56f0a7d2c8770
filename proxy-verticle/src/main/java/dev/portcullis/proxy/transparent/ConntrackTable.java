package dev.portcullis.proxy.transparent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a redirected connection's original destination in the kernel's connection tracking table, as
 * {@code /proc/net/nf_conntrack} lists it: the same fact {@code getsockopt(SO_ORIGINAL_DST)} returns, which
 * neither the JDK nor Netty exposes. Each line holds the original tuple first and the reply tuple second, e.g.
 * <pre>
 * ipv4 2 tcp 6 431999 ESTABLISHED src=10.0.0.2 dst=192.0.2.9 sport=40022 dport=22 src=10.0.0.1 dst=10.0.0.2
 *     sport=8022 dport=40022 [ASSURED] mark=0 zone=0 use=2
 * </pre>
 * A REDIRECT shows as a reply tuple coming from the listener's own address and port.
 */
final class ConntrackTable {

    /** The table of the gateway's network namespace. */
    static final String PROC_FILE = "/proc/net/nf_conntrack";

    private ConntrackTable() {
    }

    /**
     * @param client   the accepted socket's remote address (the workload)
     * @param listener the accepted socket's local address (where the redirect delivered it)
     * @return the destination the client originally connected to, when a TCP entry matches
     */
    static Optional<InetSocketAddress> originalDestination(List<String> lines, InetSocketAddress client,
                                                           InetSocketAddress listener) {
        for (String line : lines) {
            if (!line.contains(" tcp ")) {
                continue;
            }
            List<Map<String, String>> tuples = tuples(line);
            if (tuples.size() < 2) {
                continue;
            }
            Map<String, String> original = tuples.get(0);
            Map<String, String> reply = tuples.get(1);
            if (same(original.get("src"), client.getAddress()) && port(original.get("sport")) == client.getPort()
                    && same(reply.get("src"), listener.getAddress()) && port(reply.get("sport")) == listener.getPort()) {
                try {
                    return Optional.of(new InetSocketAddress(InetAddress.getByName(original.get("dst")),
                            port(original.get("dport"))));
                } catch (UnknownHostException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The {@code src/dst/sport/dport} groups of a line, in order. */
    private static List<Map<String, String>> tuples(String line) {
        List<Map<String, String>> tuples = new java.util.ArrayList<>();
        Map<String, String> current = null;
        for (String field : line.trim().split("\\s+")) {
            int equals = field.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = field.substring(0, equals);
            if (key.equals("src")) {
                current = new HashMap<>();
                tuples.add(current);
            }
            if (current != null && (key.equals("src") || key.equals("dst") || key.equals("sport")
                    || key.equals("dport"))) {
                current.putIfAbsent(key, field.substring(equals + 1));
            }
        }
        return tuples;
    }

    private static boolean same(String text, InetAddress address) {
        if (text == null) {
            return false;
        }
        try {
            // Literal parsing only (no lookup): conntrack prints numeric addresses.
            return InetAddress.getByName(text).equals(address);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int port(String text) {
        try {
            return text == null ? -1 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
