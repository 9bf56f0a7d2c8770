package dev.portcullis.api.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What a configuration key holds: how a value in the file is checked and how an environment value is read. */
public enum ConfigKind {

    /** Text; a number is taken as its text ({@code name: 2024}). */
    STRING("a string"),
    /** A whole number that fits 32 bits. */
    INTEGER("a whole number"),
    /** {@code true} or {@code false}; in the file a YAML boolean, not the text {@code "true"}. */
    BOOLEAN("true or false"),
    /** {@code "500ms"}, {@code "10s"}, {@code "5m"}, {@code "1h"}, {@code "7d"} or milliseconds ({@link Durations}). */
    DURATION("a duration such as 500ms, 10s, 5m, 1h or 7d"),
    /** A list of strings, or one comma-separated string. */
    STRING_LIST("a list of strings"),
    /** A map whose keys are declared by a nested schema. */
    SECTION("a map of settings"),
    /** A list of maps, each declared by the same nested schema. */
    SECTION_LIST("a list of maps of settings"),
    /** A map with free keys (such as host names), checked by the options class that reads it. */
    MAP("a map");

    private final String expected;

    ConfigKind(String expected) {
        this.expected = expected;
    }

    /** How an error names what was expected: {@code "a whole number"}. */
    public String expected() {
        return expected;
    }

    /** How an error names a value that was found: {@code the string "32768"}, {@code a list}. */
    static String describe(Object value) {
        if (value instanceof String text) {
            return "the string \"" + text + "\"";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return "the " + (value instanceof Boolean ? "boolean " : "number ") + value;
        }
        if (value instanceof JsonObject) {
            return "a map";
        }
        if (value instanceof JsonArray) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
