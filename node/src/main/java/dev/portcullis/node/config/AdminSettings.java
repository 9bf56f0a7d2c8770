package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;

import java.nio.file.Path;

/**
 * The {@code admin} section: where the admin HTTP API listens, and the file holding its bearer token.
 * The token may come from the environment variable {@value #TOKEN_ENV} instead; it never goes in the YAML.
 * Bound to anything but a loopback address the API requires a token (README, "Fleet security").
 *
 * @param host      the address to bind
 * @param port      the port; 0 picks a free one (tests), {@link #DISABLED} turns the API off
 * @param tokenFile a file whose content (surrounding white space ignored) is the bearer token, or {@code null}
 * @param pac       the proxy auto-config {@code /proxy.pac} serves
 */
public record AdminSettings(String host, int port, Path tokenFile, PacSettings pac) {

    /** {@value}: the environment variable that holds the admin token when {@code admin.token-file} is not set. */
    public static final String TOKEN_ENV = "PORTCULLIS_ADMIN_TOKEN";
    /** {@value}: loopback, so that without a token only this host can reach the API. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value} */
    public static final int DEFAULT_PORT = 9191;
    /** {@value}: the port that disables the admin API. */
    public static final int DISABLED = -1;
    /** The keys of the {@code admin} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder().string("host").integer("port")
            .string("token-file").section("pac", PacSettings.SCHEMA).build();

    public AdminSettings {
        pac = pac == null ? PacSettings.DEFAULT : pac;
        if (host == null || host.isBlank()) {
            throw new ConfigException("admin.host must not be empty");
        }
        if (port < DISABLED || port > 65535) {
            throw new ConfigException("admin.port must be 0-65535, or -1 to disable the admin API, was " + port);
        }
    }

    /** Settings without a token file. */
    public AdminSettings(String host, int port) {
        this(host, port, null);
    }

    /** Settings with the default {@link PacSettings}. */
    public AdminSettings(String host, int port, Path tokenFile) {
        this(host, port, tokenFile, PacSettings.DEFAULT);
    }

    /** Reads the {@code admin} section its {@link #SCHEMA} has checked; absent keys take the defaults. */
    static AdminSettings from(ConfigView section) {
        String tokenFile = section.string("token-file", null);
        if (tokenFile != null && tokenFile.isBlank()) {
            throw new ConfigException("admin.token-file must not be empty");
        }
        return new AdminSettings(section.string("host", DEFAULT_HOST), section.integer("port", DEFAULT_PORT),
                tokenFile == null ? null : Path.of(tokenFile), PacSettings.from(section.section("pac")));
    }

    /** Whether the admin API runs. */
    public boolean enabled() {
        return port != DISABLED;
    }
}
