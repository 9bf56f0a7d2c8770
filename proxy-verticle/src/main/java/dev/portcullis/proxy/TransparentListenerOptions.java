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
public final class TransparentListenerOptions extends ListenerAddressOptions<TransparentListenerOptions> {

    /** {@value}, the port a REDIRECT rule for outbound HTTPS points at. */
    public static final int DEFAULT_PORT = 8443;
    /** {@value}: HTTPS. */
    public static final int DEFAULT_UPSTREAM_PORT = 443;
    /** The keys of one listener entry. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("host").integer("port").integer("upstream-port").string("name").build();

    private int upstreamPort = DEFAULT_UPSTREAM_PORT;

    public TransparentListenerOptions() {
        super("transparent", DEFAULT_PORT);
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
        this();
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
        return addressJson().put("upstream-port", upstreamPort);
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
}
