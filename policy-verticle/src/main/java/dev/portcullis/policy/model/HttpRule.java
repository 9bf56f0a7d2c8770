package dev.portcullis.policy.model;

import dev.portcullis.api.policy.Verdict;

import java.util.List;

/**
 * One entry of a rule's {@code http} list, evaluated per request once the HTTP inside is visible; the first
 * entry that matches decides.
 *
 * @param line    where the entry starts in the policy file
 * @param methods upper-case methods; empty means any method
 * @param paths   path globs; empty means any path
 * @param verdict allow or deny
 */
public record HttpRule(int line, List<String> methods, List<PathGlob> paths, Verdict verdict) {

    public HttpRule {
        methods = List.copyOf(methods);
        paths = List.copyOf(paths);
        if (verdict == null) {
            throw new IllegalArgumentException("verdict is required");
        }
    }

    /** @return whether this entry applies to a request with this method and path */
    public boolean matches(String method, String path) {
        return (methods.isEmpty() || methods.contains(method))
                && (paths.isEmpty() || paths.stream().anyMatch(glob -> glob.matches(path)));
    }
}
