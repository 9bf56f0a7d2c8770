package dev.portcullis.node.cluster;

import com.hazelcast.cluster.Member;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster-wide map of nodes and what they run, so that any node's admin API can list the cluster. Each node
 * writes its own entry when it is up and removes it when it stops. A node killed without stopping leaves its
 * entry behind; readers filter entries against the live member list and drop the stale ones.
 */
public final class MemberRegistry {

    /** {@value}: the cluster-wide map holding node id → {@link #entry} JSON. */
    public static final String MAP_NAME = "portcullis.members";

    /** {@value}: where vertx-hazelcast keeps a member's Vert.x node id (it is not the Hazelcast member UUID). */
    static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

    private final ClusteredNode node;

    public MemberRegistry(ClusteredNode node) {
        this.node = node;
    }

    /**
     * Publishes this node's entry.
     *
     * @param entry what to publish; {@code nodeId} is added
     * @return a future completed once the entry is in the cluster map
     */
    public Future<Void> register(JsonObject entry) {
        JsonObject value = entry.copy().put("nodeId", node.nodeId());
        return map().compose(map -> map.put(node.nodeId(), value));
    }

    /** Removes this node's entry; completes (never fails) once done or when the map is unreachable. */
    public Future<Void> unregister() {
        return map().compose(map -> map.remove(node.nodeId())).<Void>mapEmpty().otherwiseEmpty();
    }

    /** One node's entry as it registered it, or {@code null} when it has not (yet, or any more). */
    public Future<JsonObject> entry(String nodeId) {
        return map().compose(map -> map.get(nodeId));
    }

    /**
     * The live members' entries, sorted by node id. A live member that has not registered (yet) appears with
     * only its {@code nodeId} and {@code "registered": false}. A Hazelcast lite member (a service that joined with
     * {@link dev.portcullis.fleet.client.FleetClient}) never registers, runs no role and is marked
     * {@code "liteMember": true}, so that it is not taken for a node still starting.
     */
    public Future<JsonArray> members() {
        Set<String> live = new HashSet<>(node.liveNodes());
        Set<String> lite = liteMembers();
        return map().compose(map -> map.entries().compose(entries -> {
            List<JsonObject> members = new ArrayList<>();
            for (Map.Entry<String, JsonObject> entry : entries.entrySet()) {
                if (live.remove(entry.getKey())) {
                    members.add(entry.getValue().copy().put("registered", true));
                } else {
                    // A killed node's entry: drop it; the answer does not wait for the removal.
                    map.remove(entry.getKey());
                }
            }
            for (String unregistered : live) {
                JsonObject member = new JsonObject().put("nodeId", unregistered).put("registered", false);
                if (lite.contains(unregistered)) {
                    member.put("liteMember", true);
                }
                members.add(member);
            }
            members.sort(Comparator.comparing(member -> member.getString("nodeId")));
            return Future.succeededFuture(new JsonArray(new ArrayList<>(members)));
        }));
    }

    /** The Vert.x node ids of the Hazelcast lite members (vertx-hazelcast keeps the id as a member attribute). */
    private Set<String> liteMembers() {
        Set<String> lite = new HashSet<>();
        try {
            for (Member member : node.manager().getHazelcastInstance().getCluster().getMembers()) {
                String id = member.getAttribute(NODE_ID_ATTRIBUTE);
                if (member.isLiteMember() && id != null) {
                    lite.add(id);
                }
            }
        } catch (RuntimeException e) {
            // Hazelcast shutting down: the listing is about to be empty anyway.
        }
        return lite;
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return node.vertx().sharedData().getClusterWideMap(MAP_NAME);
    }
}
