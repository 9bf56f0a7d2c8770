package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;

import java.util.List;

/**
 * The {@code admin.pac} section: the proxy auto-config file {@code GET /proxy.pac} serves (README, "Admin API").
 *
 * @param enabled whether the admin API serves it
 * @param proxy   the {@code host:port} it tells clients to use, or {@code null} for this node's explicit listener
 * @param direct  names that go {@code DIRECT}, normalised by {@link HostName}: {@code name} for that name,
 *                {@code *.name} for the names below it (not the name itself, as in policy host patterns)
 */
public record PacSettings(boolean enabled, String proxy, List<String> direct) {

    /** The keys of {@code admin.pac}. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder().bool("enabled").string("proxy")
            .strings("direct").build();
    /** On, advertising this node's explicit listener, nothing direct. */
    public static final PacSettings DEFAULT = new PacSettings(true, null, List.of());

    public PacSettings {
        if (proxy != null) {
            proxy = proxyAddress(proxy);
        }
        direct = direct.stream().map(PacSettings::directEntry).toList();
    }

    static PacSettings from(ConfigView section) {
        return new PacSettings(section.bool("enabled", true), section.string("proxy", null),
                section.has("direct") ? section.strings("direct") : List.of());
    }

    /** Whether {@code entry} (normalised) names the names below a suffix rather than one name. */
    public static boolean isSuffix(String entry) {
        return entry.startsWith("*.");
    }

    /**
     * Only what {@link HostName} accepts gets into the served JavaScript: its normalised form has letters, digits,
     * {@code -} and {@code .} (or is a dotted quad), so nothing in it can end a string literal.
     */
    private static String directEntry(String raw) {
        boolean suffix = raw.startsWith("*.") || raw.startsWith(".");
        String name = suffix ? raw.substring(raw.indexOf('.') + 1) : raw;
        try {
            HostName host = HostName.parse(name);
            if (host.kind() == HostName.Kind.IPV6 || (suffix && host.isIp())) {
                throw new InvalidHostException("not a host name or *.suffix");
            }
            return suffix ? "*." + host.value() : host.value();
        } catch (InvalidHostException e) {
            throw new ConfigException("admin.pac.direct: " + HostName.printable(raw)
                    + " is not a host name, an IPv4 address or *.suffix (" + e.getMessage() + ")");
        }
    }

    private static String proxyAddress(String raw) {
        int colon = raw.lastIndexOf(':');
        String why = null;
        if (colon <= 0) {
            why = "expected host:port";
        } else {
            try {
                HostName host = HostName.parse(raw.substring(0, colon));
                int port = Integer.parseInt(raw.substring(colon + 1));
                if (port < 1 || port > 65535 || host.kind() == HostName.Kind.IPV6) {
                    why = host.kind() == HostName.Kind.IPV6 ? "IPv6 literals are not supported" : "port must be 1-65535";
                } else {
                    return host.value() + ":" + port;
                }
            } catch (InvalidHostException | NumberFormatException e) {
                why = e.getMessage();
            }
        }
        throw new ConfigException("admin.pac.proxy must be host:port, was " + HostName.printable(raw) + " (" + why + ")");
    }
}
