package dev.portcullis.proxy.request;

/**
 * The one normal form of a request path, used wherever a path is decided (a decrypted request, plain HTTP on the
 * explicit listener and on transparent ports) and then forwarded exactly as decided (README, "One name,
 * one path"): an origin behind the gateway must never resolve a path the policy did not see.
 *
 * <ol>
 *   <li>a fragment ({@code #...}) is dropped: it is no part of a request target (RFC 9112 §3.2, RFC 3986 §3.5);</li>
 *   <li>the query ({@code ?...}) is kept byte for byte, forwarded but not decided;</li>
 *   <li>percent-encoded unreserved characters (ALPHA, DIGIT, {@code - . _ ~}) are decoded, any case
 *       ({@code %2e}, {@code %2E}), RFC 3986 §2.3 and §6.2.2.2; other encodings stay encoded, hex upper-cased
 *       (§6.2.2.1);</li>
 *   <li>dot segments are removed, RFC 3986 §5.2.4 ({@code /a/./b/../c} is {@code /a/c}; {@code ..} above the
 *       root stays at the root, §5.4.2);</li>
 *   <li>{@code //} is kept as it is: it is decided and forwarded alike.</li>
 * </ol>
 *
 * Forms origins read in different ways are refused with 400 instead of guessed at: a path not starting with
 * {@code /}, an encoded {@code /} ({@code %2F}) or backslash ({@code %5C}), a backslash, NUL or {@code %00},
 * controls, spaces or non-ASCII bytes, malformed percent-encoding, and a dot segment with parameters
 * ({@code ..;} — some servers treat it as {@code ..}).
 */
public final class PathNormaliser {

    private static final String HEX = "0123456789ABCDEF";

    private PathNormaliser() {
    }

    /**
     * A normalised request target.
     *
     * @param path  the normalised path, starting with {@code /}: what is decided and forwarded
     * @param query the query as sent, without its {@code ?}, or {@code null} when there is none
     */
    public record Normalised(String path, String query) {

        /** The origin-form to forward: {@code path} and, when there is one, {@code ?query}. */
        public String originForm() {
            return query == null ? path : path + "?" + query;
        }
    }

    /**
     * @param originForm a path, optionally followed by {@code ?query} and {@code #fragment}
     * @throws BadRequestException 400 with the reason for a form this gateway will not guess at
     */
    public static Normalised normalise(String originForm) {
        String target = originForm;
        int fragment = target.indexOf('#');
        if (fragment >= 0) {
            target = target.substring(0, fragment);
        }
        int queryStart = target.indexOf('?');
        String rawPath = queryStart < 0 ? target : target.substring(0, queryStart);
        String query = queryStart < 0 ? null : target.substring(queryStart + 1);
        if (!rawPath.startsWith("/")) {
            throw new BadRequestException(400, "the path must start with '/'");
        }
        if (query != null) {
            for (int i = 0; i < query.length(); i++) {
                if (!visible(query.charAt(i))) {
                    throw new BadRequestException(400, "control character, space or non-ASCII byte in the query");
                }
            }
        }
        String decoded = decodeUnreserved(rawPath);
        refuseDotSegmentsWithParameters(decoded);
        return new Normalised(removeDotSegments(decoded), query);
    }

    private static boolean visible(char c) {
        return c > 0x20 && c < 0x7f;
    }

    /** RFC 3986 §2.3: %XX of an unreserved character is that character; others stay encoded, upper-cased. */
    private static String decodeUnreserved(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw new BadRequestException(400, "backslash in the path");
            }
            if (c == 0) {
                throw new BadRequestException(400, "NUL in the path");
            }
            if (!visible(c)) {
                throw new BadRequestException(400, "control character, space or non-ASCII byte in the path");
            }
            if (c != '%') {
                out.append(c);
                continue;
            }
            int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new BadRequestException(400, "malformed percent-encoding in the path");
            }
            char value = (char) (high * 16 + low);
            i += 2;
            if (value == 0) {
                throw new BadRequestException(400, "encoded NUL (%00) in the path");
            } else if (value == '/') {
                throw new BadRequestException(400, "encoded slash (%2F) in the path");
            } else if (value == '\\') {
                throw new BadRequestException(400, "encoded backslash (%5C) in the path");
            } else if (unreserved(value)) {
                out.append(value);
            } else {
                out.append('%').append(HEX.charAt(high)).append(HEX.charAt(low));
            }
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** {@code ..;x} and {@code .;x}: Tomcat and others drop the parameters and step up, RFC 3986 §3.3 does not. */
    private static void refuseDotSegmentsWithParameters(String path) {
        for (String segment : path.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                String name = segment.substring(0, semicolon);
                if (name.equals(".") || name.equals("..")) {
                    throw new BadRequestException(400, "a dot segment with parameters (" + name + ";) in the path");
                }
            }
        }
    }

    /** RFC 3986 §5.2.4 remove_dot_segments, for a path starting with '/'. */
    static String removeDotSegments(String path) {
        String input = path;
        StringBuilder output = new StringBuilder(path.length());
        while (!input.isEmpty()) {
            if (input.startsWith("../")) {
                input = input.substring(3);
            } else if (input.startsWith("./")) {
                input = input.substring(2);
            } else if (input.startsWith("/./")) {
                input = input.substring(2);
            } else if (input.equals("/.")) {
                input = "/";
            } else if (input.startsWith("/../")) {
                input = input.substring(3);
                dropLastSegment(output);
            } else if (input.equals("/..")) {
                input = "/";
                dropLastSegment(output);
            } else if (input.equals(".") || input.equals("..")) {
                input = "";
            } else {
                int next = input.indexOf('/', input.startsWith("/") ? 1 : 0);
                String segment = next < 0 ? input : input.substring(0, next);
                output.append(segment);
                input = input.substring(segment.length());
            }
        }
        return output.isEmpty() ? "/" : output.toString();
    }

    private static void dropLastSegment(StringBuilder output) {
        int slash = output.lastIndexOf("/");
        output.setLength(Math.max(slash, 0));
    }
}
