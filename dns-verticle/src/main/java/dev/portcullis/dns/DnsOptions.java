package dev.portcullis.dns;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.config.InvalidConfigException;
import dev.portcullis.api.host.HostName;
import dev.portcullis.dns.upstream.ServerAddresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the dns role: the {@code dns} section of the node configuration.
 *
 * <pre>
 * dns:
 *   servers: ["192.0.2.53", "[2001:db8::53]:53"]   # absent or empty: the system's (/etc/resolv.conf)
 *   timeout: 2s          # per query, per server
 *   min-ttl: 5s          # positive answers are kept at least this long...
 *   max-ttl: 5m          # ...and at most this long
 *   negative-ttl: 30s    # NXDOMAIN and "no address" answers
 *   cache-size: 10000    # (name, family) entries
 *   static-ttl: 60s      # TTL given with static answers
 *   static:              # answered before any resolver, never sent to one
 *     db.internal: ["10.0.0.5", "fd00::5"]
 *   serve: { host: 10.0.0.1, port: 53 }   # DNS server for workloads, UDP and TCP; port -1 (default): none
 * </pre>
 *
 * Durations are read by {@link Durations}: {@code "500ms"}, {@code "2s"}, {@code "5m"} or milliseconds.
 */
public final class DnsOptions {

    /** Default per-query timeout: 2 seconds, so a timeout and a retry fit in a caller's 6 s bus timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Default floor for positive TTLs: 5 seconds. */
    public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(5);
    /** Default ceiling for positive TTLs: 5 minutes. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(5);
    /** Default lifetime of negative answers: 30 seconds. */
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
    /** Default cache bound: 10,000 (name, family) entries. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Default TTL of static answers: 60 seconds. */
    public static final Duration DEFAULT_STATIC_TTL = Duration.ofSeconds(60);
    /** {@value}: the workloads' DNS server listens on loopback unless told otherwise. */
    public static final String DEFAULT_SERVE_HOST = "127.0.0.1";
    /** {@value}: no DNS server for workloads unless configured (port 53 needs privileges and a decision). */
    public static final int DEFAULT_SERVE_PORT = -1;

    static final String SERVERS = "servers";
    static final String TIMEOUT = "timeout";
    static final String MIN_TTL = "min-ttl";
    static final String MAX_TTL = "max-ttl";
    static final String NEGATIVE_TTL = "negative-ttl";
    static final String CACHE_SIZE = "cache-size";
    static final String STATIC_TTL = "static-ttl";
    static final String STATIC = "static";
    static final String SERVE = "serve";
    /** {@value}: the name of this section in the node configuration, the prefix of every key in messages. */
    public static final String SECTION = "dns";
    /** The keys of the {@code dns} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .strings(SERVERS)
            .duration(TIMEOUT)
            .duration(MIN_TTL)
            .duration(MAX_TTL)
            .duration(NEGATIVE_TTL)
            .integer(CACHE_SIZE)
            .map(STATIC)
            .duration(STATIC_TTL)
            .section(SERVE, ConfigSchema.builder().string("host").integer("port").build())
            .build();

    private List<InetSocketAddress> servers;
    private Duration timeout;
    private Duration minTtl;
    private Duration maxTtl;
    private Duration negativeTtl;
    private int cacheSize;
    private Duration staticTtl;
    private Map<String, List<InetAddress>> staticHosts;
    private String serveHost = DEFAULT_SERVE_HOST;
    private int servePort = DEFAULT_SERVE_PORT;

    /** Options with the defaults: the system's resolvers, no static names. */
    public DnsOptions() {
        servers = List.of();
        timeout = DEFAULT_TIMEOUT;
        minTtl = DEFAULT_MIN_TTL;
        maxTtl = DEFAULT_MAX_TTL;
        negativeTtl = DEFAULT_NEGATIVE_TTL;
        cacheSize = DEFAULT_CACHE_SIZE;
        staticTtl = DEFAULT_STATIC_TTL;
        staticHosts = new LinkedHashMap<>();
    }

    public DnsOptions(DnsOptions other) {
        servers = other.servers;
        timeout = other.timeout;
        minTtl = other.minTtl;
        maxTtl = other.maxTtl;
        negativeTtl = other.negativeTtl;
        cacheSize = other.cacheSize;
        staticTtl = other.staticTtl;
        staticHosts = new LinkedHashMap<>(other.staticHosts);
        serveHost = other.serveHost;
        servePort = other.servePort;
    }

    /**
     * Reads the {@code dns} configuration section; absent keys keep their defaults.
     *
     * @param json the section, or {@code null} for all defaults
     * @throws InvalidConfigException naming the dotted key ({@code dns.min-ttl}) when a key is unknown, a value is
     *                                malformed or the values contradict
     */
    public DnsOptions(JsonObject json) {
        this();
        ConfigView config = SCHEMA.read(SECTION, json);
        try {
            List<String> serverTexts = config.strings(SERVERS);
            List<InetSocketAddress> parsed = new ArrayList<>(serverTexts.size());
            for (int i = 0; i < serverTexts.size(); i++) {
                parsed.add(ServerAddresses.parse(SERVERS + "[" + i + "]", serverTexts.get(i)));
            }
            setServers(parsed);
            setTimeout(config.duration(TIMEOUT, DEFAULT_TIMEOUT));
            setMinTtl(config.duration(MIN_TTL, DEFAULT_MIN_TTL));
            setMaxTtl(config.duration(MAX_TTL, DEFAULT_MAX_TTL));
            setNegativeTtl(config.duration(NEGATIVE_TTL, DEFAULT_NEGATIVE_TTL));
            setCacheSize(config.integer(CACHE_SIZE, DEFAULT_CACHE_SIZE));
            setStaticTtl(config.duration(STATIC_TTL, DEFAULT_STATIC_TTL));
            for (Map.Entry<String, Object> entry : config.map(STATIC)) {
                addStaticHost(entry.getKey(), addressTexts(entry.getKey(), entry.getValue()));
            }
            ConfigView serve = config.section(SERVE);
            setServeHost(serve.string("host", DEFAULT_SERVE_HOST));
            setServePort(serve.integer("port", DEFAULT_SERVE_PORT));
            validate();
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    /**
     * Checks the rules between values, which single setters cannot.
     *
     * @return this
     * @throws IllegalArgumentException when min-ttl exceeds max-ttl
     */
    public DnsOptions validate() {
        if (minTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException(MIN_TTL + " (" + Durations.format(minTtl) + ") must not exceed "
                    + MAX_TTL + " (" + Durations.format(maxTtl) + ")");
        }
        return this;
    }

    public JsonObject toJson() {
        JsonArray serverTexts = new JsonArray();
        for (InetSocketAddress server : servers) {
            serverTexts.add(ServerAddresses.format(server));
        }
        JsonObject statics = new JsonObject();
        staticHosts.forEach((name, addresses) -> {
            JsonArray texts = new JsonArray();
            addresses.forEach(address -> texts.add(address.getHostAddress()));
            statics.put(name, texts);
        });
        return new JsonObject()
                .put(SERVERS, serverTexts)
                .put(TIMEOUT, Durations.format(timeout))
                .put(MIN_TTL, Durations.format(minTtl))
                .put(MAX_TTL, Durations.format(maxTtl))
                .put(NEGATIVE_TTL, Durations.format(negativeTtl))
                .put(CACHE_SIZE, cacheSize)
                .put(STATIC_TTL, Durations.format(staticTtl))
                .put(STATIC, statics)
                .put(SERVE, new JsonObject().put("host", serveHost).put("port", servePort));
    }

    /** Where the DNS server for workloads listens (UDP and TCP). */
    public String getServeHost() {
        return serveHost;
    }

    public DnsOptions setServeHost(String serveHost) {
        if (serveHost == null || serveHost.isBlank()) {
            throw new IllegalArgumentException(SERVE + ".host must not be empty");
        }
        this.serveHost = serveHost;
        return this;
    }

    /** The DNS server's port: -1 for none, 0 for an ephemeral port (tests). */
    public int getServePort() {
        return servePort;
    }

    public DnsOptions setServePort(int servePort) {
        if (servePort < -1 || servePort > 65535) {
            throw new IllegalArgumentException(SERVE + ".port must be -1 (off) or 0-65535, was " + servePort);
        }
        this.servePort = servePort;
        return this;
    }

    /** The resolvers to ask, in order; empty means the system's. */
    public List<InetSocketAddress> getServers() {
        return servers;
    }

    public DnsOptions setServers(List<InetSocketAddress> servers) {
        if (servers == null || servers.contains(null)) {
            throw new IllegalArgumentException(SERVERS + " must be a list of addresses");
        }
        this.servers = List.copyOf(servers);
        return this;
    }

    /** How long to wait for one server's answer before trying the next. */
    public Duration getTimeout() {
        return timeout;
    }

    public DnsOptions setTimeout(Duration timeout) {
        this.timeout = positive(TIMEOUT, timeout);
        return this;
    }

    public Duration getMinTtl() {
        return minTtl;
    }

    public DnsOptions setMinTtl(Duration minTtl) {
        this.minTtl = notNegative(MIN_TTL, minTtl);
        return this;
    }

    public Duration getMaxTtl() {
        return maxTtl;
    }

    public DnsOptions setMaxTtl(Duration maxTtl) {
        this.maxTtl = positive(MAX_TTL, maxTtl);
        return this;
    }

    public Duration getNegativeTtl() {
        return negativeTtl;
    }

    public DnsOptions setNegativeTtl(Duration negativeTtl) {
        this.negativeTtl = notNegative(NEGATIVE_TTL, negativeTtl);
        return this;
    }

    /** The most (name, family) entries the cache keeps. */
    public int getCacheSize() {
        return cacheSize;
    }

    public DnsOptions setCacheSize(int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException(CACHE_SIZE + " must be at least 1, was " + cacheSize);
        }
        this.cacheSize = cacheSize;
        return this;
    }

    public Duration getStaticTtl() {
        return staticTtl;
    }

    public DnsOptions setStaticTtl(Duration staticTtl) {
        this.staticTtl = notNegative(STATIC_TTL, staticTtl);
        return this;
    }

    /** Overridden names, normalised, to their addresses in configuration order. */
    public Map<String, List<InetAddress>> getStaticHosts() {
        return Collections.unmodifiableMap(staticHosts);
    }

    /**
     * Adds a static override.
     *
     * @param name      a host name as written; it is normalised ({@link HostName#parse})
     * @param addresses IP literals, at least one
     * @throws IllegalArgumentException naming {@code static.<name>} when the name is invalid, is an IP literal, is
     *                                  already overridden, or an address is not an IP literal
     */
    public DnsOptions addStaticHost(String name, List<String> addresses) {
        String key = STATIC + "." + name;
        HostName host;
        try {
            host = HostName.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a valid host name: " + e.getMessage());
        }
        if (host.isIp()) {
            throw new IllegalArgumentException(key + " must be a host name, not an IP address");
        }
        if (staticHosts.containsKey(host.value())) {
            throw new IllegalArgumentException(key + " names " + host.value() + ", which is already overridden");
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException(key + " must list at least one IP address");
        }
        List<InetAddress> parsed = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            parsed.add(ipLiteral(key + "[" + i + "]", addresses.get(i)));
        }
        staticHosts.put(host.value(), List.copyOf(parsed));
        return this;
    }

    private static InetAddress ipLiteral(String key, String text) {
        HostName address;
        try {
            address = text == null ? null : HostName.parse(text.trim());
        } catch (IllegalArgumentException e) {
            address = null;
        }
        if (address == null || !address.isIp()) {
            throw new IllegalArgumentException(key + " must be an IP address, was '" + text + "'");
        }
        try {
            // A canonical IP literal: getByName parses it and never queries DNS.
            return InetAddress.getByName(address.value());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + " must be an IP address, was '" + text + "'");
        }
    }

    private static List<String> addressTexts(String name, Object value) {
        if (value instanceof String single) {
            return List.of(single);
        }
        if (value instanceof JsonArray array) {
            List<String> texts = new ArrayList<>(array.size());
            for (Object item : array) {
                if (!(item instanceof String text)) {
                    throw new IllegalArgumentException(STATIC + "." + name + " must be a list of IP addresses, found "
                            + item);
                }
                texts.add(text);
            }
            return texts;
        }
        throw new IllegalArgumentException(STATIC + "." + name + " must be a list of IP addresses, was " + value);
    }

    private static Duration positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was "
                    + (value == null ? null : Durations.format(value)));
        }
        return value;
    }

    private static Duration notNegative(String key, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, was " + value);
        }
        return value;
    }
}
