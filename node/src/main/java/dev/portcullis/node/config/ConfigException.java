package dev.portcullis.node.config;

/** The configuration is invalid; the message names the setting and the bad value. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
