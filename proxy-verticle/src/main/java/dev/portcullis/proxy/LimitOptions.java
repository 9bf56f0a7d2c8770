package dev.portcullis.proxy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

/**
 * What one client, and all of them together, may cost a node: the {@code proxy.limits} section (README,
 * "Limits"). A connection over a limit is refused as it is accepted, before a byte of it is read, so a flood
 * costs an accept and a close and never fills the accept backlog or the node's file descriptors.
 */
public final class LimitOptions {

    /** {@value} connections at once on all of a node's listeners: each holds two fds once it has an upstream. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /**
     * {@value} connections at once from one client address. Many workloads can share one address behind a NAT
     * (a Kubernetes node), so this is well above what one workload opens, and well below the node's total.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 2_000;
    /** {@value} connections at once that have not yet sent their whole request head or ClientHello. */
    public static final int DEFAULT_MAX_UNFINISHED_HEADS = 2_048;
    /**
     * {@value} such connections from one client address: a browser opens a few dozen at once; a slowloris opens
     * thousands and never finishes them.
     */
    public static final int DEFAULT_MAX_UNFINISHED_HEADS_PER_CLIENT = 256;
    /**
     * {@value} requests waiting for each role (policy, dns, ca) per proxy instance: a role that has stopped
     * answering fails new connections at once instead of queueing them for its whole timeout.
     */
    public static final int DEFAULT_MAX_PENDING_BUS_REQUESTS = 1_000;

    /** The keys of {@code proxy.limits}. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .integer("max-connections")
            .integer("max-connections-per-client")
            .integer("max-unfinished-heads")
            .integer("max-unfinished-heads-per-client")
            .integer("max-pending-bus-requests")
            .build();

    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private int maxUnfinishedHeads = DEFAULT_MAX_UNFINISHED_HEADS;
    private int maxUnfinishedHeadsPerClient = DEFAULT_MAX_UNFINISHED_HEADS_PER_CLIENT;
    private int maxPendingBusRequests = DEFAULT_MAX_PENDING_BUS_REQUESTS;

    public LimitOptions() {
    }

    /** @throws InvalidConfigException naming the key ({@code limits.max-connections ...}) when a value is invalid */
    public LimitOptions(JsonObject json) {
        this(SCHEMA.read("limits", json));
    }

    LimitOptions(ConfigView config) {
        try {
            setMaxConnections(config.integer("max-connections", DEFAULT_MAX_CONNECTIONS));
            setMaxConnectionsPerClient(config.integer("max-connections-per-client",
                    DEFAULT_MAX_CONNECTIONS_PER_CLIENT));
            setMaxUnfinishedHeads(config.integer("max-unfinished-heads", DEFAULT_MAX_UNFINISHED_HEADS));
            setMaxUnfinishedHeadsPerClient(config.integer("max-unfinished-heads-per-client",
                    DEFAULT_MAX_UNFINISHED_HEADS_PER_CLIENT));
            setMaxPendingBusRequests(config.integer("max-pending-bus-requests", DEFAULT_MAX_PENDING_BUS_REQUESTS));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("max-connections", maxConnections)
                .put("max-connections-per-client", maxConnectionsPerClient)
                .put("max-unfinished-heads", maxUnfinishedHeads)
                .put("max-unfinished-heads-per-client", maxUnfinishedHeadsPerClient)
                .put("max-pending-bus-requests", maxPendingBusRequests);
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public LimitOptions setMaxConnections(int maxConnections) {
        this.maxConnections = positive("max-connections", maxConnections);
        return this;
    }

    public int getMaxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public LimitOptions setMaxConnectionsPerClient(int maxConnectionsPerClient) {
        this.maxConnectionsPerClient = positive("max-connections-per-client", maxConnectionsPerClient);
        return this;
    }

    public int getMaxUnfinishedHeads() {
        return maxUnfinishedHeads;
    }

    public LimitOptions setMaxUnfinishedHeads(int maxUnfinishedHeads) {
        this.maxUnfinishedHeads = positive("max-unfinished-heads", maxUnfinishedHeads);
        return this;
    }

    public int getMaxUnfinishedHeadsPerClient() {
        return maxUnfinishedHeadsPerClient;
    }

    public LimitOptions setMaxUnfinishedHeadsPerClient(int maxUnfinishedHeadsPerClient) {
        this.maxUnfinishedHeadsPerClient = positive("max-unfinished-heads-per-client", maxUnfinishedHeadsPerClient);
        return this;
    }

    public int getMaxPendingBusRequests() {
        return maxPendingBusRequests;
    }

    public LimitOptions setMaxPendingBusRequests(int maxPendingBusRequests) {
        this.maxPendingBusRequests = positive("max-pending-bus-requests", maxPendingBusRequests);
        return this;
    }

    private static int positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, was " + value);
        }
        return value;
    }
}
