package dev.portcullis.fleet.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * How a service joins a Portcullis fleet ({@link FleetClient#join}). Its JSON form is the node configuration's
 * {@code cluster} section ({@code name, host, port, members, tls: {cert-file, key-file, trust-file}}), so a service
 * can be given the fleet's own section, with its own certificate and host.
 */
public final class FleetClientOptions {

    /** {@value}: the nodes' default {@code cluster.name}. */
    public static final String DEFAULT_NAME = "portcullis";
    /** {@value}: loopback, the address this service's Hazelcast member and event bus bind and advertise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** {@value}: the first Hazelcast port tried; the next nine follow when it is taken (a node may hold it). */
    public static final int DEFAULT_PORT = 5701;

    private String name = DEFAULT_NAME;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private List<String> members = new ArrayList<>();
    private String certFile;
    private String keyFile;
    private String trustFile;

    public FleetClientOptions() {
    }

    public FleetClientOptions(FleetClientOptions other) {
        this.name = other.name;
        this.host = other.host;
        this.port = other.port;
        this.members = new ArrayList<>(other.members);
        this.certFile = other.certFile;
        this.keyFile = other.keyFile;
        this.trustFile = other.trustFile;
    }

    /** Reads the {@code cluster} section's shape; absent keys keep their defaults. */
    public FleetClientOptions(JsonObject json) {
        this.name = json.getString("name", DEFAULT_NAME);
        this.host = json.getString("host", DEFAULT_HOST);
        this.port = json.getInteger("port", DEFAULT_PORT);
        JsonArray list = json.getJsonArray("members", new JsonArray());
        list.forEach(member -> members.add(String.valueOf(member)));
        JsonObject tls = json.getJsonObject("tls", new JsonObject());
        this.certFile = tls.getString("cert-file");
        this.keyFile = tls.getString("key-file");
        this.trustFile = tls.getString("trust-file");
    }

    public JsonObject toJson() {
        JsonObject tls = new JsonObject();
        if (certFile != null) {
            tls.put("cert-file", certFile);
        }
        if (keyFile != null) {
            tls.put("key-file", keyFile);
        }
        if (trustFile != null) {
            tls.put("trust-file", trustFile);
        }
        return new JsonObject().put("name", name).put("host", host).put("port", port)
                .put("members", new JsonArray(new ArrayList<>(members))).put("tls", tls);
    }

    /** The fleet's {@code cluster.name}. */
    public String getName() {
        return name;
    }

    public FleetClientOptions setName(String name) {
        this.name = name;
        return this;
    }

    /** The IP address this service binds and advertises: one the fleet's members can reach. */
    public String getHost() {
        return host;
    }

    public FleetClientOptions setHost(String host) {
        this.host = host;
        return this;
    }

    /** The first Hazelcast port to try for this service's own member. */
    public int getPort() {
        return port;
    }

    public FleetClientOptions setPort(int port) {
        this.port = port;
        return this;
    }

    /** {@code host:port} of fleet members to contact, one port each (no ranges); at least one. */
    public List<String> getMembers() {
        return List.copyOf(members);
    }

    public FleetClientOptions setMembers(List<String> members) {
        this.members = new ArrayList<>(members);
        return this;
    }

    public FleetClientOptions addMember(String member) {
        this.members.add(member);
        return this;
    }

    /** This service's certificate chain (PEM) from the fleet CA, EKU serverAuth and clientAuth. */
    public String getCertFile() {
        return certFile;
    }

    public FleetClientOptions setCertFile(String certFile) {
        this.certFile = certFile;
        return this;
    }

    /** Its private key, unencrypted PKCS#8 PEM. */
    public String getKeyFile() {
        return keyFile;
    }

    public FleetClientOptions setKeyFile(String keyFile) {
        this.keyFile = keyFile;
        return this;
    }

    /** The fleet CA (PEM), the nodes' {@code cluster.tls.trust-file}. */
    public String getTrustFile() {
        return trustFile;
    }

    public FleetClientOptions setTrustFile(String trustFile) {
        this.trustFile = trustFile;
        return this;
    }

    /**
     * Checks what {@link FleetClient#join} needs.
     *
     * @throws IllegalArgumentException naming the first missing or bad setting
     */
    void validate() {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name (the fleet's cluster.name) is required");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be this service's IP address, was '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members must name at least one fleet member (host:port)");
        }
        for (String member : members) {
            if (!member.matches("[^:]+:\\d{1,5}")) {
                throw new IllegalArgumentException("members entries must be host:port with one port, was '"
                        + member + "'");
            }
        }
        require("tls.cert-file", certFile);
        require("tls.key-file", keyFile);
        require("tls.trust-file", trustFile);
    }

    private static void require(String key, String value) {
        if (value == null || value.isBlank()) {
            // No generated fallback, unlike a node: credentials of its own would be a fleet of one.
            throw new IllegalArgumentException(key + " is required: a fleet client joins with the fleet's "
                    + "event-bus mutual TLS (docs/policy-clients.md)");
        }
    }
}
