package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;

/**
 * The {@code admin} section: where the admin HTTP API listens.
 *
 * @param host the address to bind
 * @param port the port; 0 picks a free one (tests), {@link #DISABLED} turns the API off
 */
public record AdminSettings(String host, int port) {

    /** {@value}: loopback, because the API has no authentication yet. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value} */
    public static final int DEFAULT_PORT = 9191;
    /** {@value}: the port that disables the admin API. */
    public static final int DISABLED = -1;
    /** The keys of the {@code admin} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder().string("host").integer("port").build();

    public AdminSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("admin.host must not be empty");
        }
        if (port < DISABLED || port > 65535) {
            throw new ConfigException("admin.port must be 0-65535, or -1 to disable the admin API, was " + port);
        }
    }

    /** Reads the {@code admin} section its {@link #SCHEMA} has checked; absent keys take the defaults. */
    static AdminSettings from(ConfigView section) {
        return new AdminSettings(section.string("host", DEFAULT_HOST), section.integer("port", DEFAULT_PORT));
    }

    /** Whether the admin API runs. */
    public boolean enabled() {
        return port != DISABLED;
    }
}
