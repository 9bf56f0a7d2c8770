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

    /** @param path the request path without query string */
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
