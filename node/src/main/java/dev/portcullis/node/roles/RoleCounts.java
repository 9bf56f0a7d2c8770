package dev.portcullis.node.roles;

import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles a node runs and how many verticle instances of each, written {@code "proxy:2,policy:1,dns:1"}.
 * A role without a count runs one instance. Iteration is in deployment order ({@link Role} order), whatever
 * order the text used.
 */
public final class RoleCounts {

    /** The most instances of one role on one node; more than the event loops only costs memory. */
    public static final int MAX_INSTANCES = 64;

    /** Every role, one instance each: the embedded single-node default. */
    public static final RoleCounts ALL = parse("policy:1,dns:1,ca:1,proxy:1");

    private final Map<Role, Integer> counts;

    private RoleCounts(Map<Role, Integer> counts) {
        this.counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /**
     * Parses a role list.
     *
     * @param text comma-separated {@code role[:count]} entries, e.g. {@code "proxy:2,policy:1"}
     * @throws IllegalArgumentException with a message naming the bad entry: empty list, unknown role, a count
     *                                  that is not 1-{@value #MAX_INSTANCES}, or a role given twice
     */
    public static RoleCounts parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("roles must name at least one role, e.g. policy:1,dns:1,proxy:1");
        }
        Map<Role, Integer> counts = new EnumMap<>(Role.class);
        for (String entry : text.split(",", -1)) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("roles has an empty entry in '" + text + "'");
            }
            int colon = trimmed.indexOf(':');
            Role role = Role.byKey(colon < 0 ? trimmed : trimmed.substring(0, colon));
            int count = colon < 0 ? 1 : parseCount(role, trimmed.substring(colon + 1).trim());
            if (counts.putIfAbsent(role, count) != null) {
                throw new IllegalArgumentException("role " + role + " is given twice in '" + text + "'");
            }
        }
        return new RoleCounts(counts);
    }

    private static int parseCount(Role role, String text) {
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX_INSTANCES) {
            throw new IllegalArgumentException("instance count of role " + role + " must be 1-" + MAX_INSTANCES
                    + ", was '" + text + "'");
        }
        return count;
    }

    /** The roles present, in deployment order. */
    public Set<Role> roles() {
        return counts.keySet();
    }

    /** Whether the node runs {@code role}. */
    public boolean has(Role role) {
        return counts.containsKey(role);
    }

    /** The instance count of {@code role}, 0 when the node does not run it. */
    public int count(Role role) {
        return counts.getOrDefault(role, 0);
    }

    /** {@code {"policy": 1, "proxy": 2}}, for the cluster member registry and the admin API. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        counts.forEach((role, count) -> json.put(role.key(), count));
        return json;
    }

    /** The canonical text form, e.g. {@code "policy:1,dns:1,proxy:2"}, which {@link #parse} reads back. */
    public String spec() {
        return counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoleCounts that && counts.equals(that.counts);
    }

    @Override
    public int hashCode() {
        return counts.hashCode();
    }

    /** Space-separated, as in the start-up line: {@code "policy:1 dns:1 proxy:2"}. */
    @Override
    public String toString() {
        return spec().replace(',', ' ');
    }
}
