package dev.portcullis.node.config;

import dev.portcullis.node.roles.Role;
import dev.portcullis.node.roles.RoleCounts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's validated configuration. The YAML shape, with the defaults:
 * <pre>
 * node:    { roles: "policy:1,dns:1,ca:1,proxy:1", data-dir: ./portcullis-data }
 * cluster: { name: portcullis, host: 127.0.0.1, port: 5701, members: ["127.0.0.1:5701"],
 *            tls: { cert-file, key-file | keystore, passphrase-file | passphrase-env, trust-file } }
 *                                               # tls absent: generated into &lt;data-dir&gt;/fleet
 * admin:   { host: 127.0.0.1, port: 9191, token-file: ... }   # port -1 disables, 0 picks a free port
 * policy:  { file: &lt;data-dir&gt;/policy.yaml, ... }        # given verbatim to the policy role
 * dns:     { ... }                                        # given verbatim to the dns role
 * proxy:   { access-log: { file: &lt;data-dir&gt;/access.log }, ... }   # given verbatim to the proxy role
 * </pre>
 * The node checks its own sections ({@code node}, {@code cluster}, {@code admin}) here, key by key; each role
 * validates its own section when it starts. The only thing added to a role's section is a default for the
 * files kept in the data directory ({@code policy.file}, {@code proxy.access-log.file}).
 *
 * @param roles   what this node runs
 * @param dataDir where the policy, the access log and other state live by default
 * @param cluster how to join the cluster
 * @param admin   where the admin API listens
 * @param policy  the policy role's config
 * @param dns     the dns role's config
 * @param ca      the ca role's config
 * @param proxy   the proxy role's config
 */
public record NodeConfig(RoleCounts roles, Path dataDir, ClusterSettings cluster, AdminSettings admin,
                         JsonObject policy, JsonObject dns, JsonObject ca, JsonObject proxy) {

    /** {@value} */
    public static final String DEFAULT_DATA_DIR = "./portcullis-data";
    /** {@value}: the policy file's name in the data directory when {@code policy.file} is not set. */
    public static final String POLICY_FILE_NAME = "policy.yaml";
    /** {@value}: the access log's name in the data directory when {@code proxy.access-log.file} is not set. */
    public static final String ACCESS_LOG_NAME = "access.log";

    private static final List<String> SECTIONS = List.of("node", "cluster", "admin", "policy", "dns", "ca", "proxy");

    public NodeConfig {
        policy = policy.copy();
        dns = dns.copy();
        ca = ca.copy();
        proxy = proxy.copy();
    }

    /** The built-in defaults, as the YAML tree they stand for (role sections empty). */
    public static JsonObject defaults() {
        return new JsonObject()
                .put("node", new JsonObject()
                        .put("roles", RoleCounts.ALL.spec())
                        .put("data-dir", DEFAULT_DATA_DIR))
                .put("cluster", new JsonObject()
                        .put("name", ClusterSettings.DEFAULT_NAME)
                        .put("host", ClusterSettings.DEFAULT_HOST)
                        .put("port", ClusterSettings.DEFAULT_PORT)
                        .put("members", new JsonArray()))
                .put("admin", new JsonObject()
                        .put("host", AdminSettings.DEFAULT_HOST)
                        .put("port", AdminSettings.DEFAULT_PORT));
    }

    /**
     * Validates a configuration tree laid over the {@link #defaults()}.
     *
     * @param tree the merged YAML and environment; keys it lacks take their defaults
     * @throws ConfigException naming the first bad setting
     */
    public static NodeConfig fromJson(JsonObject tree) {
        JsonObject merged = defaults().mergeIn(tree == null ? new JsonObject() : tree.copy(), true);
        for (String key : merged.fieldNames()) {
            if (!SECTIONS.contains(key)) {
                throw new ConfigException("'" + key + "' is not a known section (known: "
                        + String.join(", ", SECTIONS) + ")");
            }
        }
        ConfigReader node = ConfigReader.of(merged, "node", Set.of("roles", "data-dir"));
        RoleCounts roles;
        try {
            roles = RoleCounts.parse(node.string("roles"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("node.roles: " + e.getMessage(), e);
        }
        Path dataDir = Path.of(node.string("data-dir"));

        ConfigReader cluster = ConfigReader.of(merged, "cluster", Set.of("name", "host", "port", "members", "tls"));
        ConfigReader tls = cluster.child("tls", Set.of("cert-file", "key-file", "keystore", "passphrase-file",
                "passphrase-env", "trust-file"));
        ClusterSettings clusterSettings = new ClusterSettings(cluster.string("name"), cluster.string("host"),
                cluster.integer("port", 1, 65535), cluster.stringList("members"),
                new ClusterTlsSettings(tls.optionalPath("cert-file"), tls.optionalPath("key-file"),
                        tls.optionalPath("keystore"), tls.optionalPath("passphrase-file"),
                        tls.optionalString("passphrase-env"), tls.optionalPath("trust-file")));

        ConfigReader admin = ConfigReader.of(merged, "admin", Set.of("host", "port", "token-file"));
        AdminSettings adminSettings = new AdminSettings(admin.string("host"),
                admin.integer("port", AdminSettings.DISABLED, 65535), admin.optionalPath("token-file"));

        JsonObject policy = ConfigReader.object(merged, Role.POLICY.key()).copy();
        if (policy.getValue("file") == null) {
            policy.put("file", dataDir.resolve(POLICY_FILE_NAME).toString());
        }
        JsonObject dns = ConfigReader.object(merged, Role.DNS.key()).copy();
        JsonObject ca = ConfigReader.object(merged, Role.CA.key()).copy();
        if (ca.getValue("data-dir") == null) {
            ca.put("data-dir", dataDir.toString());
        }
        JsonObject proxy = ConfigReader.object(merged, Role.PROXY.key()).copy();
        Object accessLog = proxy.getValue("access-log");
        if (accessLog == null) {
            proxy.put("access-log", new JsonObject().put("file", dataDir.resolve(ACCESS_LOG_NAME).toString()));
        } else if (accessLog instanceof JsonObject log && log.getValue("file") == null) {
            log.put("file", dataDir.resolve(ACCESS_LOG_NAME).toString());
        }
        return new NodeConfig(roles, dataDir, clusterSettings, adminSettings, policy, dns, ca, proxy);
    }

    /** The config section each role gets as its {@code config()}. */
    public Map<Role, JsonObject> sections() {
        Map<Role, JsonObject> sections = new EnumMap<>(Role.class);
        sections.put(Role.POLICY, policy.copy());
        sections.put(Role.DNS, dns.copy());
        sections.put(Role.CA, ca.copy());
        sections.put(Role.PROXY, proxy.copy());
        return sections;
    }

    /** The policy file the policy role reads ({@code policy.file}). */
    public Path policyFile() {
        return Path.of(String.valueOf(policy.getValue("file")));
    }

    /** Whether the policy file is the data directory's default one (where a sample may be written). */
    public boolean policyFileIsDefault() {
        return policyFile().equals(dataDir.resolve(POLICY_FILE_NAME));
    }

    /** The same configuration with other roles, e.g. from {@code --roles}. */
    public NodeConfig withRoles(RoleCounts newRoles) {
        return new NodeConfig(newRoles, dataDir, cluster, admin, policy, dns, ca, proxy);
    }
}
