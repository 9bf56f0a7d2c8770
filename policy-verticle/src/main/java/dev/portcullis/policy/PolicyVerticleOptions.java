package dev.portcullis.policy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Configuration of a {@link PolicyVerticle}: the verticle's {@code config()}, i.e. the {@code policy} section of
 * the node configuration.
 *
 * <pre>{@code
 * policy:
 *   file: /etc/portcullis/policy.yaml   # required
 *   reload-interval: 1s                 # how often to look at the file; default 1s
 * }</pre>
 */
public class PolicyVerticleOptions {

    /** Key of the policy file path. */
    public static final String FILE = "file";
    /** Key of the reload interval. */
    public static final String RELOAD_INTERVAL = "reload-interval";
    /** How often the file is looked at when the configuration does not say: 1 second. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(1);
    /** {@value}: the name of this section in the node configuration, the prefix of every key in messages. */
    public static final String SECTION = "policy";
    /** The keys of the {@code policy} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder().string(FILE).duration(RELOAD_INTERVAL).build();

    private String file;
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

    public PolicyVerticleOptions() {
    }

    public PolicyVerticleOptions(PolicyVerticleOptions other) {
        this.file = other.file;
        this.reloadInterval = other.reloadInterval;
    }

    /**
     * Reads {@code file} and {@code reload-interval}.
     *
     * @throws InvalidConfigException naming the dotted key ({@code policy.reload-intervall: unknown key}) when a key
     *                                is unknown or a value has the wrong type
     */
    public PolicyVerticleOptions(JsonObject json) {
        ConfigView config = SCHEMA.read(SECTION, json);
        this.file = config.string(FILE, null);
        this.reloadInterval = config.duration(RELOAD_INTERVAL, DEFAULT_RELOAD_INTERVAL);
    }

    /** @return the policy file path, or {@code null} when not set */
    public String getFile() {
        return file;
    }

    public PolicyVerticleOptions setFile(String file) {
        this.file = file;
        return this;
    }

    public Duration getReloadInterval() {
        return reloadInterval;
    }

    public PolicyVerticleOptions setReloadInterval(Duration reloadInterval) {
        this.reloadInterval = reloadInterval;
        return this;
    }

    /**
     * Checks what the verticle needs before it starts.
     *
     * @return this
     * @throws IllegalArgumentException naming the key when {@code file} is missing or the interval is not positive
     */
    public PolicyVerticleOptions validate() {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("policy." + FILE + " is required");
        }
        if (reloadInterval == null || reloadInterval.isZero() || reloadInterval.isNegative()) {
            throw new IllegalArgumentException("policy." + RELOAD_INTERVAL + " must be positive, was "
                    + (reloadInterval == null ? null : Durations.format(reloadInterval)));
        }
        return this;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put(RELOAD_INTERVAL, Durations.format(reloadInterval));
        if (file != null) {
            json.put(FILE, file);
        }
        return json;
    }
}
