package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.ca.CaOptions;
import dev.portcullis.dns.DnsOptions;
import dev.portcullis.node.roles.Role;
import dev.portcullis.policy.PolicyVerticleOptions;
import dev.portcullis.proxy.ProxyOptions;
import dev.portcullis.node.roles.RoleCounts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * A node's validated configuration. The YAML shape, with the defaults:
 * <pre>
 * node:    { roles: "policy:1,dns:1,ca:1,proxy:1", data-dir: ./portcullis-data }
 * cluster: { name: portcullis, host: 127.0.0.1, port: 5701, members: ["127.0.0.1:5701"],
 *            tls: { cert-file, key-file | keystore, passphrase-file | passphrase-env, trust-file } }
 *                                               # tls absent: generated into &lt;data-dir&gt;/fleet
 * admin:   { host: 127.0.0.1, port: 9191, token-file: ... }   # port -1 disables, 0 picks a free port
 * bridge:  { enabled: false, host: 127.0.0.1, port: 7000, tls: { cert-file, key-file, client-ca-file } }
 * policy:  { file: &lt;data-dir&gt;/policy.yaml, ... }        # given verbatim to the policy role
 * dns:     { ... }                                        # given verbatim to the dns role
 * proxy:   { access-log: { file: &lt;data-dir&gt;/access.log }, ... }   # given verbatim to the proxy role
 * </pre>
 * Every section is checked against {@link #SCHEMA} here, the roles' sections with their own options classes, so an
 * unknown key or a wrong type stops the node before it joins the cluster. The only thing added to a role's section
 * is a default for the files kept in the data directory ({@code policy.file}, {@code ca.data-dir},
 * {@code proxy.access-log.file}).
 *
 * @param roles   what this node runs
 * @param dataDir where the policy, the access log and other state live by default
 * @param cluster how to join the cluster
 * @param admin   where the admin API listens
 * @param bridge  the policy bridge for services in other languages (docs/policy-clients.md)
 * @param policy  the policy role's config
 * @param dns     the dns role's config
 * @param ca      the ca role's config
 * @param proxy   the proxy role's config
 */
public record NodeConfig(RoleCounts roles, Path dataDir, ClusterSettings cluster, AdminSettings admin,
                         BridgeSettings bridge, JsonObject policy, JsonObject dns, JsonObject ca, JsonObject proxy) {

    /** {@value} */
    public static final String DEFAULT_DATA_DIR = "./portcullis-data";
    /** {@value}: the policy file's name in the data directory when {@code policy.file} is not set. */
    public static final String POLICY_FILE_NAME = "policy.yaml";
    /** {@value}: the access log's name in the data directory when {@code proxy.access-log.file} is not set. */
    public static final String ACCESS_LOG_NAME = "access.log";

    /** The keys of the {@code node} section. */
    static final ConfigSchema NODE = ConfigSchema.builder().string("roles").string("data-dir").build();
    /**
     * Every section and key a configuration may hold, each role's declared by its options class: what the file is
     * checked against and what names the environment variables ({@link EnvOverrides}).
     */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .section("node", NODE)
            .section("cluster", ClusterSettings.SCHEMA)
            .section("admin", AdminSettings.SCHEMA)
            .section("bridge", BridgeSettings.SCHEMA)
            .section(PolicyVerticleOptions.SECTION, PolicyVerticleOptions.SCHEMA)
            .section(DnsOptions.SECTION, DnsOptions.SCHEMA)
            .section(CaOptions.SECTION, CaOptions.SCHEMA)
            .section(ProxyOptions.SECTION, ProxyOptions.SCHEMA)
            .build();

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
        try {
            ConfigView root = SCHEMA.read("", merged);
            ConfigView node = root.section("node");
            RoleCounts roles;
            try {
                roles = RoleCounts.parse(text(node, "roles"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("node.roles: " + e.getMessage(), e);
            }
            Path dataDir = Path.of(text(node, "data-dir"));
            ClusterSettings cluster = ClusterSettings.from(root.section("cluster"));
            AdminSettings admin = AdminSettings.from(root.section("admin"));
            BridgeSettings bridge = BridgeSettings.from(root.section("bridge"));

            JsonObject policy = section(merged, Role.POLICY);
            if (policy.getValue("file") == null) {
                policy.put("file", dataDir.resolve(POLICY_FILE_NAME).toString());
            }
            JsonObject dns = section(merged, Role.DNS);
            JsonObject ca = section(merged, Role.CA);
            if (ca.getValue("data-dir") == null) {
                ca.put("data-dir", dataDir.toString());
            }
            JsonObject proxy = section(merged, Role.PROXY);
            JsonObject accessLog = proxy.getJsonObject("access-log");
            if (accessLog == null) {
                proxy.put("access-log", new JsonObject().put("file", dataDir.resolve(ACCESS_LOG_NAME).toString()));
            } else if (accessLog.getValue("file") == null) {
                accessLog.put("file", dataDir.resolve(ACCESS_LOG_NAME).toString());
            }
            // Every role section is checked here, whether or not this node runs the role: a fleet shares one file,
            // and a typo in it is a typo on every node. The roles read their sections again when they start.
            new PolicyVerticleOptions(policy).validate();
            new DnsOptions(dns);
            new CaOptions(ca);
            new ProxyOptions(proxy);
            return new NodeConfig(roles, dataDir, cluster, admin, bridge, policy, dns, ca, proxy);
        } catch (IllegalArgumentException e) {
            // InvalidConfigException from the schema and the options classes, and the few checks (such as
            // PolicyVerticleOptions.validate) whose plain IllegalArgumentException already names the dotted key.
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private static String text(ConfigView section, String key) {
        String value = section.string(key, null);
        if (value == null) {
            throw new ConfigException(section.path() + "." + key + " is required");
        }
        if (value.isBlank()) {
            throw new ConfigException(section.path() + "." + key + " must not be empty");
        }
        return value.trim();
    }

    /** A role's section as checked by {@link #SCHEMA}: a map, or absent. */
    private static JsonObject section(JsonObject merged, Role role) {
        JsonObject section = merged.getJsonObject(role.key());
        return section == null ? new JsonObject() : section.copy();
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
        return new NodeConfig(newRoles, dataDir, cluster, admin, bridge, policy, dns, ca, proxy);
    }
}
