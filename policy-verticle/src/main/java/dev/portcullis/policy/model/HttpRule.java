package dev.portcullis.policy.model;

import dev.portcullis.api.policy.Verdict;
import dev.portcullis.policy.net.Cidr;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a rule's or a service's {@code http} list, evaluated per request once the HTTP inside is visible;
 * the first entry that matches decides.
 *
 * @param line    where the entry starts in the policy file
 * @param methods upper-case methods; empty means any method
 * @param paths   path globs; empty means any path
 * @param sources client ranges; empty means any client, else a request without a client never matches
 * @param headers lower-case header names, each with the values one of which the request must carry
 *                ({@link #ANY_VALUE}: present with any value); empty means any headers
 * @param verdict allow or deny
 */
public record HttpRule(int line, List<String> methods, List<PathGlob> paths, List<Cidr> sources,
                       Map<String, List<String>> headers, Verdict verdict) {

    /** The header value that stands for any value: the header only has to be present. */
    public static final String ANY_VALUE = "*";

    public HttpRule {
        methods = List.copyOf(methods);
        paths = List.copyOf(paths);
        sources = sources == null ? List.of() : List.copyOf(sources);
        // Sorted, so the names a decision lists come out in one order whatever the file's.
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        if (headers != null) {
            headers.forEach((name, values) -> sorted.put(name, List.copyOf(values)));
        }
        headers = Collections.unmodifiableMap(sorted);
        if (verdict == null) {
            throw new IllegalArgumentException("verdict is required");
        }
    }

    /** An entry on method and path alone. */
    public HttpRule(int line, List<String> methods, List<PathGlob> paths, Verdict verdict) {
        this(line, methods, paths, List.of(), Map.of(), verdict);
    }

    /**
     * @param method  the request method, case-sensitive
     * @param path    the normalised path without the query
     * @param client  the client's address bytes, {@code null} when unknown
     * @param request the request's values of headers, by lower-case name
     * @return whether this entry applies to the request
     */
    public boolean matches(String method, String path, byte[] client, Map<String, List<String>> request) {
        return (methods.isEmpty() || methods.contains(method))
                && (paths.isEmpty() || paths.stream().anyMatch(glob -> glob.matches(path)))
                && sourcesMatch(client)
                && headersMatch(request);
    }

    /** @see #matches(String, String, byte[], Map) for a request without client or headers */
    public boolean matches(String method, String path) {
        return matches(method, path, null, Map.of());
    }

    private boolean sourcesMatch(byte[] client) {
        if (sources.isEmpty()) {
            return true;
        }
        if (client == null) {
            return false;
        }
        for (Cidr cidr : sources) {
            if (cidr.contains(client)) {
                return true;
            }
        }
        return false;
    }

    private boolean headersMatch(Map<String, List<String>> request) {
        for (Map.Entry<String, List<String>> wanted : headers.entrySet()) {
            List<String> sent = request.get(wanted.getKey());
            if (sent == null || sent.isEmpty()) {
                return false;
            }
            if (wanted.getValue().contains(ANY_VALUE)) {
                continue;
            }
            boolean found = false;
            for (String value : sent) {
                if (wanted.getValue().contains(value)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
