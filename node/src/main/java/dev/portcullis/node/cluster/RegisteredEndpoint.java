package dev.portcullis.node.cluster;

import dev.portcullis.proxy.guard.ListenerAddress;
import dev.portcullis.proxy.guard.OwnEndpoints;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One address and port a node listens on for others (its admin API, a proxy listener, the dns role's workload
 * DNS server), as its member registry entry lists it under {@value #ENTRY_FIELD}: the other members' guards refuse
 * it (README, step 4 of "What happens to one connection"), so they read it from data, not from the
 * {@code "admin"} URL and {@code "listeners"} texts meant for people.
 *
 * @param what what it is, in words ({@code "admin API"}, {@code "explicit listener"})
 * @param host the bound host as configured: an IP literal, a wildcard ({@code 0.0.0.0}, {@code ::}) or a name
 * @param port the bound port
 */
public record RegisteredEndpoint(String what, String host, int port) {

    /** {@value}: the registry entry's field holding the array of endpoints. */
    public static final String ENTRY_FIELD = "endpoints";

    /** The admin API bound on {@code host:port}. */
    public static RegisteredEndpoint admin(String host, int port) {
        return new RegisteredEndpoint("admin API", host, port);
    }

    /** The policy bridge bound on {@code host:port} (docs/policy-clients.md). */
    public static RegisteredEndpoint bridge(String host, int port) {
        return new RegisteredEndpoint("policy bridge", host, port);
    }

    /**
     * A listener as the roles publish it in {@value OwnEndpoints#LISTENERS_MAP}: name → {@code "host:port"}.
     *
     * @return nothing for a value that is no {@code host:port} (the dns role's {@code "starting"} placeholder)
     */
    public static Optional<RegisteredEndpoint> listener(String name, String where) {
        return ListenerAddress.parse(where)
                .map(bound -> new RegisteredEndpoint(OwnEndpoints.listenerWhat(name), bound.host(), bound.port()));
    }

    /** The listeners of a {@value OwnEndpoints#LISTENERS_MAP} map, those that are bound. */
    public static List<RegisteredEndpoint> listeners(Map<String, String> listeners) {
        List<RegisteredEndpoint> bound = new ArrayList<>();
        listeners.forEach((name, where) -> listener(name, where).ifPresent(bound::add));
        return bound;
    }

    /** The {@value #ENTRY_FIELD} array of a registry entry. */
    public static JsonArray toJson(List<RegisteredEndpoint> endpoints) {
        JsonArray array = new JsonArray();
        endpoints.forEach(endpoint -> array.add(new JsonObject()
                .put("what", endpoint.what()).put("host", endpoint.host()).put("port", endpoint.port())));
        return array;
    }

    /**
     * The endpoints a registry entry lists; malformed items are skipped (the map is written by members, a
     * forged item can only add refusals, never remove one).
     */
    public static List<RegisteredEndpoint> fromEntry(JsonObject entry) {
        List<RegisteredEndpoint> endpoints = new ArrayList<>();
        if (!(entry.getValue(ENTRY_FIELD) instanceof JsonArray array)) {
            return endpoints;
        }
        for (Object item : array) {
            if (item instanceof JsonObject json && json.getValue("what") instanceof String what
                    && json.getValue("host") instanceof String host && json.getValue("port") instanceof Number port
                    && port.intValue() > 0 && port.intValue() <= 65535) {
                endpoints.add(new RegisteredEndpoint(what, host, port.intValue()));
            }
        }
        return endpoints;
    }
}
