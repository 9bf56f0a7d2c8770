package dev.portcullis.proxy;

import ch.qos.logback.core.util.FileSize;
import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

/**
 * Where the access records go: the {@code proxy.access-log} section (README, "Access log";
 * docs/access-log.md). One JSON object per line, to a file that rolls by size and day, or to standard output.
 */
public final class AccessLogOptions {

    /** {@value}: a file rolls when it reaches this size (logback's {@code FileSize}: {@code KB}, {@code MB}, {@code GB}). */
    public static final String DEFAULT_MAX_FILE_SIZE = "100MB";
    /** {@value} days of rolled files are kept. */
    public static final int DEFAULT_MAX_HISTORY = 7;
    /** {@value}: rolled files together never take more; the oldest go first. */
    public static final String DEFAULT_TOTAL_SIZE_CAP = "5GB";

    /** The keys of {@code proxy.access-log}. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string("file")
            .bool("stdout")
            .string("max-file-size")
            .integer("max-history")
            .string("total-size-cap")
            .build();

    private String file;
    private boolean stdout;
    private String maxFileSize = DEFAULT_MAX_FILE_SIZE;
    private int maxHistory = DEFAULT_MAX_HISTORY;
    private String totalSizeCap = DEFAULT_TOTAL_SIZE_CAP;

    public AccessLogOptions() {
    }

    public AccessLogOptions(AccessLogOptions other) {
        this(other.toJson());
    }

    /** @throws InvalidConfigException naming the key ({@code access-log.max-file-size ...}) when a value is invalid */
    public AccessLogOptions(JsonObject json) {
        this(SCHEMA.read("access-log", json));
    }

    AccessLogOptions(ConfigView config) {
        try {
            setFile(config.string("file", null));
            setStdout(config.bool("stdout", false));
            setMaxFileSize(config.string("max-file-size", DEFAULT_MAX_FILE_SIZE));
            setMaxHistory(config.integer("max-history", DEFAULT_MAX_HISTORY));
            setTotalSizeCap(config.string("total-size-cap", DEFAULT_TOTAL_SIZE_CAP));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        if (file != null) {
            json.put("file", file);
        }
        return json.put("stdout", stdout).put("max-file-size", maxFileSize).put("max-history", maxHistory)
                .put("total-size-cap", totalSizeCap);
    }

    /** The file that gets one JSON line per record; {@code null} when there is none (nor, then, any record). */
    public String getFile() {
        return file;
    }

    public AccessLogOptions setFile(String file) {
        this.file = file == null || file.isBlank() ? null : file;
        return this;
    }

    /** Whether records go to standard output instead of the file (containers whose runtime keeps the output). */
    public boolean isStdout() {
        return stdout;
    }

    public AccessLogOptions setStdout(boolean stdout) {
        this.stdout = stdout;
        return this;
    }

    /** As written ({@code 100MB}); {@link FileSize#valueOf} reads it. */
    public String getMaxFileSize() {
        return maxFileSize;
    }

    public AccessLogOptions setMaxFileSize(String maxFileSize) {
        this.maxFileSize = size("max-file-size", maxFileSize);
        return this;
    }

    /** Days of rolled files kept. */
    public int getMaxHistory() {
        return maxHistory;
    }

    public AccessLogOptions setMaxHistory(int maxHistory) {
        if (maxHistory < 1) {
            throw new IllegalArgumentException("max-history must be at least 1 (days), was " + maxHistory);
        }
        this.maxHistory = maxHistory;
        return this;
    }

    public String getTotalSizeCap() {
        return totalSizeCap;
    }

    public AccessLogOptions setTotalSizeCap(String totalSizeCap) {
        this.totalSizeCap = size("total-size-cap", totalSizeCap);
        return this;
    }

    /** Checks a size at the edge, since logback would only log a status and fall back to its own default. */
    private static String size(String key, String value) {
        String why = value == null ? "is missing" : null;
        if (why == null) {
            try {
                if (FileSize.valueOf(value).getSize() < 1) {
                    why = "must be at least 1 byte";
                }
            } catch (IllegalArgumentException e) {
                why = "must be a size such as 100MB, 512KB or 2GB";
            }
        }
        if (why != null) {
            throw new IllegalArgumentException(key + " " + why + ", was " + value);
        }
        return value.trim();
    }
}
