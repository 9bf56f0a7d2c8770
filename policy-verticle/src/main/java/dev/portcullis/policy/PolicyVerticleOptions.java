package dev.portcullis.policy;

import dev.portcullis.api.config.Durations;
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

    private String file;
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

    public PolicyVerticleOptions() {
    }

    public PolicyVerticleOptions(PolicyVerticleOptions other) {
        this.file = other.file;
        this.reloadInterval = other.reloadInterval;
    }

    /**
     * Reads {@code file} and {@code reload-interval}; other keys are left to whoever deploys the verticle
     * (the node launcher keeps e.g. its instance count in the same section).
     *
     * @throws IllegalArgumentException naming the key when a value has the wrong type or is not a duration
     */
    public PolicyVerticleOptions(JsonObject json) {
        JsonObject config = json == null ? new JsonObject() : json;
        Object fileValue = config.getValue(FILE);
        if (fileValue != null && !(fileValue instanceof String)) {
            throw new IllegalArgumentException("policy." + FILE + " must be a string, was " + fileValue);
        }
        this.file = (String) fileValue;
        this.reloadInterval = Durations.get(config, RELOAD_INTERVAL, DEFAULT_RELOAD_INTERVAL);
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
