package dev.portcullis.node.config;

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

    public AdminSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("admin.host must not be empty");
        }
        if (port < DISABLED || port > 65535) {
            throw new ConfigException("admin.port must be 0-65535, or -1 to disable the admin API, was " + port);
        }
    }

    /** Whether the admin API runs. */
    public boolean enabled() {
        return port != DISABLED;
    }
}
