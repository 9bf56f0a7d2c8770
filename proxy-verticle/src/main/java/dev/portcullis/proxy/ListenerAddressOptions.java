package dev.portcullis.proxy;

import io.vertx.core.json.JsonObject;

/**
 * Where one listener of a list ({@code proxy.transparent}, {@code proxy.reverse}) binds, and its name: the keys
 * every such entry has, validated in one place. A listener stays on loopback unless told otherwise.
 *
 * @param <T> the concrete options, so that setters chain
 */
public abstract class ListenerAddressOptions<T extends ListenerAddressOptions<T>> {

    /** {@value}: listeners stay on loopback unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private final String namePrefix;
    private String host = DEFAULT_HOST;
    private int port;
    private String name;

    /** @param namePrefix the default name is {@code "<namePrefix>-<port>"} */
    protected ListenerAddressOptions(String namePrefix, int defaultPort) {
        this.namePrefix = namePrefix;
        this.port = defaultPort;
    }

    /** {@code host}, {@code port} and, when set, {@code name}. */
    protected JsonObject addressJson() {
        JsonObject json = new JsonObject().put("host", host).put("port", port);
        if (name != null) {
            json.put("name", name);
        }
        return json;
    }

    public String getHost() {
        return host;
    }

    public T setHost(String host) {
        this.host = bindHost("host", host);
        return self();
    }

    public int getPort() {
        return port;
    }

    /** @param port 0 binds an ephemeral port (tests) */
    public T setPort(int port) {
        this.port = bindPort("port", port);
        return self();
    }

    /** The check of every listener's bind host, {@code explicit.host} too: {@code key} names it in the refusal. */
    static String bindHost(String key, String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return host;
    }

    /** The check of every listener's bind port (0 for an ephemeral one, in tests); {@code key} names it. */
    static int bindPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be 0-65535, was " + port);
        }
        return port;
    }

    /**
     * The listener's name in decisions, access records and the listener registry: the configured {@code name},
     * else {@code "<kind>-<port>"} ({@code transparent-8443}, {@code reverse-8445}).
     */
    public String getName() {
        return name != null ? name : namePrefix + "-" + port;
    }

    /** @param name {@code null} for the default {@code "<kind>-<port>"} */
    public T setName(String name) {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return self();
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }
}
