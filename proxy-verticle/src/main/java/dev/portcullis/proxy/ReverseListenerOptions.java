package dev.portcullis.proxy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

/**
 * One reverse listener: where clients of the services the policy's {@code services:} section names arrive (README,
 * "Reverse proxy"). One entry of the {@code proxy.reverse} list; there is none by default.
 */
public final class ReverseListenerOptions {

    /** {@value}: reverse listeners stay on loopback unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The keys of one listener entry. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("host").integer("port").string("name").build();

    private String host = DEFAULT_HOST;
    private int port = -1;
    private String name;

    public ReverseListenerOptions() {
    }

    public ReverseListenerOptions(ReverseListenerOptions other) {
        this(other.toJson());
    }

    /** @throws InvalidConfigException naming the key when a value is invalid */
    public ReverseListenerOptions(JsonObject json) {
        this(SCHEMA.read("reverse", json));
    }

    /** Reads one entry of {@code proxy.reverse}; messages name it by its path ({@code proxy.reverse[0]}). */
    ReverseListenerOptions(ConfigView config) {
        try {
            setHost(config.string("host", DEFAULT_HOST));
            if (!config.has("port")) {
                throw new IllegalArgumentException("port is required (a reverse listener has no default port)");
            }
            setPort(config.integer("port", -1));
            setName(config.string("name", null));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("host", host).put("port", port);
        if (name != null) {
            json.put("name", name);
        }
        return json;
    }

    public String getHost() {
        return host;
    }

    public ReverseListenerOptions setHost(String host) {
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
    public ReverseListenerOptions setPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        this.port = port;
        return this;
    }

    /** The listener's name in access records and the listener registry: {@code name}, else {@code "reverse-<port>"}. */
    public String getName() {
        return name != null ? name : "reverse-" + port;
    }

    /** @param name {@code null} for the default {@code "reverse-<port>"} */
    public ReverseListenerOptions setName(String name) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }
}
