package dev.portcullis.node.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.portcullis.proxy.guard.OwnEndpoints;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.spi.cluster.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Feeds the gateway's own endpoints ({@link OwnEndpoints}; README, step 4 of "What happens to one connection")
 * into this Vert.x instance's local map {@value OwnEndpoints#MAP_NAME}, where the proxy role's guard refuses them
 * before any rule applies: this node's admin API, every cluster member's Hazelcast member port and event-bus port,
 * this node's included, and the admin API and listeners every other member lists in the {@link MemberRegistry}
 * ({@link RegisteredEndpoint}; this node's own listeners reach the guard through the local listeners map).
 * Membership is followed with a Hazelcast {@link MembershipListener} (Vert.x's own {@code NodeListener} slot
 * belongs to Vert.x), so a member that joins later is refused as soon as Hazelcast reports it, its event-bus port
 * as soon as its {@link NodeInfo} is in the cluster, its admin API and listeners as soon as its registry entry is;
 * a member that leaves is dropped. A periodic pass catches a NodeInfo or registry entry published after the
 * member's arrival: a member registers only once its roles and admin API are up.
 */
public final class OwnEndpointsPublisher implements MembershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(OwnEndpointsPublisher.class);
    private static final String MEMBER = "member:";
    private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
    /** Until every member's NodeInfo is known, and as a safety net afterwards. */
    private static final long FAST_PASS_MS = 250;
    private static final long SLOW_PASS_MS = 5000;

    private final ClusteredNode node;
    private final MemberRegistry registry;
    private final LocalMap<String, String> endpoints;
    /** The other live members whose registry entry is in {@link #endpoints}; an entry is written once. */
    private final Set<String> registered = new HashSet<>();
    private volatile boolean closed;
    private long timer = -1;

    private OwnEndpointsPublisher(ClusteredNode node, MemberRegistry registry) {
        this.node = node;
        this.registry = registry;
        this.endpoints = node.vertx().sharedData().getLocalMap(OwnEndpoints.MAP_NAME);
    }

    /**
     * Publishes this node's and the current members' cluster endpoints, then follows membership. Called right
     * after the cluster join, before any role is deployed.
     */
    public static OwnEndpointsPublisher start(ClusteredNode node, MemberRegistry registry) {
        OwnEndpointsPublisher publisher = new OwnEndpointsPublisher(node, registry);
        NodeInfo own = ((VertxInternal) node.vertx()).clusterManager().getNodeInfo();
        if (own != null) {
            publisher.endpoints.put(MEMBER + node.nodeId() + ":event-bus",
                    OwnEndpoints.entry(own.host(), own.port(), "this gateway's event bus"));
        }
        node.manager().getHazelcastInstance().getCluster().addMembershipListener(publisher);
        publisher.refresh();
        return publisher;
    }

    /** Adds this node's admin API (bound host and actual port). */
    public void admin(String host, int port) {
        endpoints.put("admin", OwnEndpoints.entry(host, port, "this gateway's admin API"));
    }

    /** Adds this node's policy bridge (docs/policy-clients.md). */
    public void bridge(String host, int port) {
        endpoints.put("bridge", OwnEndpoints.entry(host, port, "this gateway's policy bridge"));
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        refresh();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        refresh();
    }

    /** Stops following membership (the Vert.x instance and its local maps are closing anyway). */
    public synchronized void close() {
        closed = true;
        if (timer >= 0) {
            node.vertx().cancelTimer(timer);
        }
    }

    /** Brings the members' entries in line with Hazelcast's member list; runs on Hazelcast and timer threads. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        Set<Member> members;
        String self;
        try {
            members = node.manager().getHazelcastInstance().getCluster().getMembers();
            self = node.nodeId();
        } catch (RuntimeException e) {
            // Hazelcast shutting down: nothing to follow any more.
            return;
        }
        Set<String> live = new HashSet<>();
        boolean missing = false;
        for (Member member : members) {
            String id = nodeId(member);
            String name = id.equals(self) ? "this gateway's" : "cluster member " + shortId(id) + "'s";
            live.add(id);
            Address address = member.getAddress();
            endpoints.put(MEMBER + id + ":hazelcast",
                    OwnEndpoints.entry(address.getHost(), address.getPort(), name + " Hazelcast cluster port"));
            if (!endpoints.containsKey(MEMBER + id + ":event-bus")) {
                missing = true;
                Promise<NodeInfo> info = Promise.promise();
                node.manager().getNodeInfo(id, info);
                info.future().onSuccess(nodeInfo -> {
                    if (nodeInfo != null && stillMember(id)) {
                        endpoints.put(MEMBER + id + ":event-bus",
                                OwnEndpoints.entry(nodeInfo.host(), nodeInfo.port(), name + " event bus"));
                    }
                });
            }
            if (!id.equals(self) && !registered.contains(id)) {
                missing = true;
                registry.entry(id).onSuccess(entry -> registered(id, name, address.getHost(), entry));
            }
        }
        registered.retainAll(live);
        for (String key : Set.copyOf(endpoints.keySet())) {
            if (key.startsWith(MEMBER) && !live.contains(memberId(key))) {
                endpoints.remove(key);
            }
        }
        schedule(missing ? FAST_PASS_MS : SLOW_PASS_MS);
        LOG.debug("own endpoints: {}", endpoints.values());
    }

    /** Adds another member's registered endpoints, once its entry is there and while it is a member. */
    private synchronized void registered(String id, String name, String hazelcastHost, JsonObject entry) {
        if (closed || entry == null || registered.contains(id) || !stillMember(id)) {
            return;
        }
        List<String> entries = MemberEndpointEntries.of(name, RegisteredEndpoint.fromEntry(entry),
                List.of(hazelcastHost, entry.getValue("clusterHost") instanceof String host ? host : ""));
        for (int i = 0; i < entries.size(); i++) {
            endpoints.put(MEMBER + id + ":registered-" + i, entries.get(i));
        }
        registered.add(id);
    }

    private boolean stillMember(String id) {
        try {
            return node.liveNodes().contains(id);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void schedule(long delayMs) {
        if (timer >= 0) {
            node.vertx().cancelTimer(timer);
        }
        try {
            timer = node.vertx().setTimer(delayMs, id -> refresh());
        } catch (RuntimeException e) {
            timer = -1; // Vert.x closing
        }
    }

    /** The node id in {@code member:<id>:<what>}; node ids are UUIDs, without a colon. */
    private static String memberId(String key) {
        String rest = key.substring(MEMBER.length());
        return rest.substring(0, rest.indexOf(':'));
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /**
     * The Vert.x node id of a Hazelcast member: vertx-hazelcast keeps it as the member attribute
     * {@value #NODE_ID_ATTRIBUTE} (it is not the member's UUID), the key of its NodeInfo.
     */
    private static String nodeId(Member member) {
        String id = member.getAttribute(NODE_ID_ATTRIBUTE);
        return id != null ? id : member.getUuid().toString();
    }

}
