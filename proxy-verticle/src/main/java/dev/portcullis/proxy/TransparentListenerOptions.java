package dev.portcullis.proxy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

/**
 * One transparent listener: where redirected traffic arrives, and which upstream port it stands for (a REDIRECT
 * rule sends outbound 443 to 8443, so connections on 8443 go to port 443 of the name the gateway resolves).
 * One entry of the {@code proxy.transparent} list.
 */
public final class TransparentListenerOptions {

    /** {@value}: transparent listeners stay on loopback unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value}, the port a REDIRECT rule for outbound HTTPS points at. */
    public static final int DEFAULT_PORT = 8443;
    /** {@value}: HTTPS. */
    public static final int DEFAULT_UPSTREAM_PORT = 443;
    /** The keys of one listener entry. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("host").integer("port").integer("upstream-port").string("name").build();

    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int upstreamPort = DEFAULT_UPSTREAM_PORT;
    private String name;

    public TransparentListenerOptions() {
    }

    public TransparentListenerOptions(TransparentListenerOptions other) {
        this(other.toJson());
    }

    /** @throws InvalidConfigException naming the key ({@code transparent.port ...}) when a value is invalid */
    public TransparentListenerOptions(JsonObject json) {
        this(SCHEMA.read("transparent", json));
    }

    /** Reads one entry of {@code proxy.transparent}; messages name it by its path ({@code proxy.transparent[0]}). */
    TransparentListenerOptions(ConfigView config) {
        try {
            setHost(config.string("host", DEFAULT_HOST));
            setPort(config.integer("port", DEFAULT_PORT));
            setUpstreamPort(config.integer("upstream-port", DEFAULT_UPSTREAM_PORT));
            setName(config.string("name", null));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("host", host).put("port", port).put("upstream-port", upstreamPort);
        if (name != null) {
            json.put("name", name);
        }
        return json;
    }

    public String getHost() {
        return host;
    }

    public TransparentListenerOptions setHost(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        this.host = host;
        return this;
    }

    public int getPort() {
        return port;
    }

    /** @param port 0 binds an ephemeral port (tests) */
    public TransparentListenerOptions setPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        this.port = port;
        return this;
    }

    public int getUpstreamPort() {
        return upstreamPort;
    }

    public TransparentListenerOptions setUpstreamPort(int upstreamPort) {
        if (upstreamPort < 1 || upstreamPort > 65535) {
            throw new IllegalArgumentException("upstream-port must be 1-65535, was " + upstreamPort);
        }
        this.upstreamPort = upstreamPort;
        return this;
    }

    /**
     * The listener's name in decisions, access records and the listener registry: the configured {@code name},
     * else {@code "transparent-<port>"}.
     */
    public String getName() {
        return name != null ? name : "transparent-" + port;
    }

    /** @param name {@code null} for the default {@code "transparent-<port>"} */
    public TransparentListenerOptions setName(String name) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }
}
