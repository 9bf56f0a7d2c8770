package dev.portcullis.dns.recent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Which names the gateway's DNS answered to which client with which address: (client, address) → names, the
 * latest first, each entry living as long as the answer's TTL. Kept in the cluster-wide shared map
 * {@value #MAP}, so whichever dns instance a proxy asks knows what any instance answered; the TTL (already
 * bounded by the dns role's {@code max-ttl}) and {@link #MAX_NAMES} per key bound its size.
 */
public final class RecentNamesMap {

    /** Name of the cluster-wide map. */
    public static final String MAP = "portcullis.dns.recent-names";
    /** Names kept per (client, address): a CDN address shared by many names keeps the latest few. */
    public static final int MAX_NAMES = 8;

    private final Future<AsyncMap<String, String>> map;

    public RecentNamesMap(Vertx vertx) {
        this.map = vertx.sharedData().getAsyncMap(MAP);
    }

    /**
     * Remembers that {@code name} was answered to {@code client} with {@code address}.
     *
     * @return completed once stored; a concurrent record for the same key may win (latest write), never fails
     *         the caller's answer
     */
    public Future<Void> record(String client, String address, String name, long ttlMs) {
        String key = key(client, address);
        return map.compose(names -> names.get(key).compose(previous -> {
            List<String> updated = new ArrayList<>();
            updated.add(name);
            for (String old : decode(previous)) {
                if (!old.equals(name) && updated.size() < MAX_NAMES) {
                    updated.add(old);
                }
            }
            return names.put(key, new JsonArray(updated).encode(), Math.max(1, ttlMs));
        }));
    }

    /** @return the names, the most recently answered first; empty when none is remembered */
    public Future<List<String>> names(String client, String address) {
        return map.compose(names -> names.get(key(client, address))).map(RecentNamesMap::decode);
    }

    private static String key(String client, String address) {
        return client + "|" + address;
    }

    private static List<String> decode(String stored) {
        if (stored == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        new JsonArray(stored).forEach(name -> names.add((String) name));
        return names;
    }
}
