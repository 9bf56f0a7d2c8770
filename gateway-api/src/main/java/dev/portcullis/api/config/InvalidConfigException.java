package dev.portcullis.api.config;

/**
 * A configuration value is missing, unknown, of the wrong type or out of range. The message starts with the
 * dotted key ({@code proxy.transparent[0].port}) or the environment variable that holds the bad value.
 */
public final class InvalidConfigException extends IllegalArgumentException {

    private final String key;

    /**
     * @param key     the dotted key or variable name
     * @param problem what is wrong, e.g. {@code unknown key (did you mean idle-timeout?)}
     */
    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    private InvalidConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /**
     * A setter's failure inside a section, its message ({@code "explicit.port must be 0-65535, was 70000"}) named
     * from the section's path ({@code "proxy.explicit.port must be ..."}).
     */
    static InvalidConfigException within(String path, IllegalArgumentException failure) {
        if (failure instanceof InvalidConfigException already) {
            return already;
        }
        String message = path.isEmpty() ? failure.getMessage() : path + "." + failure.getMessage();
        return new InvalidConfigException(path, message, failure);
    }

    /** The dotted key, or the section for a setter's failure, or the variable name. */
    public String key() {
        return key;
    }
}
