package dev.portcullis.proxy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

/**
 * One reverse listener: where clients of the services the policy's {@code services:} section names arrive (README,
 * "Reverse proxy"). One entry of the {@code proxy.reverse} list; there is none by default, and an entry has no
 * default port.
 */
public final class ReverseListenerOptions extends ListenerAddressOptions<ReverseListenerOptions> {

    /** The keys of one listener entry. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("host").integer("port").string("name").build();

    public ReverseListenerOptions() {
        super("reverse", -1);
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
        this();
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
        return addressJson();
    }
}
