package dev.portcullis.policy.model;

import java.util.regex.Pattern;

/**
 * A request-path glob: {@code **} spans any characters including {@code /}, {@code *} any characters within one
 * segment, everything else is literal. {@code /v1/**} matches {@code /v1/a/b}; {@code /v1/*} matches only
 * {@code /v1/a}.
 */
public final class PathGlob {

    private final String text;
    private final Pattern pattern;

    private PathGlob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /**
     * @throws IllegalArgumentException when the glob does not start with {@code /} or holds whitespace or
     *                                  control characters (which no request path can contain)
     */
    public static PathGlob parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', was '" + text + "'");
        }
        refuseNonNormalForm(text);
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("path must not contain whitespace or control characters, was '"
                        + text + "'");
            }
            if (c != '*') {
                literal.append(c);
                continue;
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (i + 1 < text.length() && text.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new PathGlob(text, Pattern.compile(regex.toString()));
    }

    private static void refuseNonNormalForm(String text) {
        for (String segment : text.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path must not contain a '" + segment + "' segment: requests are"
                        + " decided on their normalised path, which has none, was '" + text + "'");
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                throw new IllegalArgumentException("path must not contain a backslash (such requests are refused),"
                        + " was '" + text + "'");
            }
            if (c != '%') {
                continue;
            }
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new IllegalArgumentException("path has a malformed percent-encoding, was '" + text + "'");
            }
            char value = (char) (high * 16 + low);
            String escape = text.substring(i, i + 3);
            if (value == '/' || value == '\\' || value == 0) {
                throw new IllegalArgumentException("path must not contain " + escape
                        + " (such requests are refused), was '" + text + "'");
            }
            if (Character.isLetterOrDigit(value) && value < 0x80 || "-._~".indexOf(value) >= 0) {
                throw new IllegalArgumentException("write " + escape + " as '" + value + "': requests are decided"
                        + " with unreserved characters decoded, was '" + text + "'");
            }
            if (!escape.equals(escape.toUpperCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("write " + escape + " as "
                        + escape.toUpperCase(java.util.Locale.ROOT) + ": requests are decided with upper-case"
                        + " percent-encodings, was '" + text + "'");
            }
            i += 2;
        }
    }

    /** @param path the normalised request path without query string */
    public boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathGlob glob && glob.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
