package dev.portcullis.api.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Field readers for incoming messages that fail with a named message ({@code "port must be 1-65535, was 0"})
 * instead of a {@code ClassCastException}, so a malformed message becomes {@link ErrorCode#BAD_REQUEST}.
 */
public final class Json {

    private Json() {
    }

    public static String requireString(JsonObject json, String field) {
        String value = optionalString(json, field);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    public static String optionalString(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return text;
    }

    public static int requireInt(JsonObject json, String field, int min, int max) {
        Object value = json.getValue(field);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(field + " is required and must be a number");
        }
        long asLong = number.longValue();
        if (asLong < min || asLong > max || number.doubleValue() != asLong) {
            throw new IllegalArgumentException(field + " must be " + min + "-" + max + ", was " + value);
        }
        return (int) asLong;
    }

    public static long optionalLong(JsonObject json, String field, long fallback) {
        Object value = json.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(field + " must be a number");
        }
        return number.longValue();
    }

    public static <E extends Enum<E>> E requireEnum(JsonObject json, String field, Class<E> type) {
        String value = requireString(json, field);
        return parseEnum(field, value, type);
    }

    public static <E extends Enum<E>> E optionalEnum(JsonObject json, String field, Class<E> type, E fallback) {
        String value = optionalString(json, field);
        return value == null ? fallback : parseEnum(field, value, type);
    }

    /** Reads an enum written as its lower-case name with '-' for '_' ("no-sni" → NO_SNI). */
    public static <E extends Enum<E>> E parseEnum(String field, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be one of " + names(type) + ", was '" + value + "'");
        }
    }

    /** The wire name of an enum constant: lower-case, '_' written as '-'. */
    public static String wireName(Enum<?> value) {
        return value.name().toLowerCase().replace('_', '-');
    }

    public static List<String> stringList(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new IllegalArgumentException(field + " must be a list of strings");
        }
        List<String> out = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof String text)) {
                throw new IllegalArgumentException(field + " must be a list of strings");
            }
            out.add(text);
        }
        return List.copyOf(out);
    }

    private static <E extends Enum<E>> List<String> names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(wireName(constant));
        }
        return names;
    }
}
