package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;

import java.nio.file.Path;

/**
 * The {@code bridge} section: the policy bridge, a TCP event-bus bridge through which services in any language ask
 * the policy role (docs/policy-clients.md). Off by default. Enabled, it runs only with mutual TLS: its own
 * certificate and key, and the CA whose client certificates it accepts; a configuration that enables it without
 * all three files is refused, as an exposed admin API without a token is ({@code AdminToken}).
 *
 * @param enabled      whether this node runs the bridge
 * @param host         the address to bind
 * @param port         the port, 1-65535 (the bridge cannot report a port the system picked, so 0 is refused)
 * @param certFile     the bridge's certificate chain (PEM), or {@code null}
 * @param keyFile      its private key (PEM, unencrypted PKCS#8), or {@code null}
 * @param clientCaFile the CA certificate(s) (PEM) whose client certificates may connect, or {@code null}
 */
public record BridgeSettings(boolean enabled, String host, int port, Path certFile, Path keyFile,
                             Path clientCaFile) {

    /** {@value}: loopback, so that an enabled bridge is reached from this host only unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value} */
    public static final int DEFAULT_PORT = 7000;
    /** The bridge is off. */
    public static final BridgeSettings DISABLED = new BridgeSettings(false, DEFAULT_HOST, DEFAULT_PORT, null, null,
            null);

    static final ConfigSchema TLS_SCHEMA = ConfigSchema.builder().string("cert-file").string("key-file")
            .string("client-ca-file").build();
    /** The keys of the {@code bridge} section (docs/configuration.md lists them). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder().bool("enabled").string("host").integer("port")
            .section("tls", TLS_SCHEMA).build();

    public BridgeSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("bridge.host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException("bridge.port must be 1-65535, was " + port);
        }
        if (enabled) {
            // Without a client CA anyone who reaches the port could ask the policy; without a server certificate
            // there is no TLS at all. Neither has a safe default, so the node refuses to start (exit 2).
            require("cert-file", certFile);
            require("key-file", keyFile);
            require("client-ca-file", clientCaFile);
        }
    }

    /** Reads the {@code bridge} section its {@link #SCHEMA} has checked; absent keys take the defaults. */
    static BridgeSettings from(ConfigView section) {
        ConfigView tls = section.section("tls");
        return new BridgeSettings(section.bool("enabled", false), section.string("host", DEFAULT_HOST),
                section.integer("port", DEFAULT_PORT), path(tls, "cert-file"), path(tls, "key-file"),
                path(tls, "client-ca-file"));
    }

    private static Path path(ConfigView section, String key) {
        String text = section.string(key, null);
        if (text != null && text.isBlank()) {
            throw new ConfigException(section.path() + "." + key + " must not be empty");
        }
        return text == null ? null : Path.of(text);
    }

    private static void require(String key, Path file) {
        if (file == null) {
            throw new ConfigException("bridge.enabled is true, so bridge.tls." + key + " is required: the bridge "
                    + "runs only with TLS and client certificates (bridge.tls.cert-file, key-file, client-ca-file; "
                    + "docs/policy-clients.md)");
        }
    }
}
