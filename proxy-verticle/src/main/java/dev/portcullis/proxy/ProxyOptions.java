package dev.portcullis.proxy;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.config.InvalidConfigException;
import dev.portcullis.proxy.metrics.RuleTags;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Configuration of the proxy role: the {@code proxy} section of the node configuration.
 * Keys are kebab-case in the file; durations read like {@code 10s} (see {@link Durations}).
 */
public final class ProxyOptions {

    /** {@value}: explicit listeners stay on loopback unless told otherwise. */
    public static final String DEFAULT_EXPLICIT_HOST = "127.0.0.1";
    /** {@value}, the customary proxy port. */
    public static final int DEFAULT_EXPLICIT_PORT = 3128;
    /** 5 s to open the upstream connection, per address tried. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** 5 min without a byte in either direction closes a tunnel. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** 10 s for the client to send its whole request head (README, "What happens to one connection", step 1). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** 2 s for a policy decision; then the connection fails closed with 503. */
    public static final Duration DEFAULT_POLICY_TIMEOUT = Duration.ofSeconds(2);
    /** 6 s for the dns role. */
    public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(6);
    /** 0 s: off, no address is used past the TTL the dns role gave it unless the operator asks for that. */
    public static final Duration DEFAULT_DNS_SERVE_STALE = Duration.ZERO;
    /** 3 days, the top of RFC 8767 §5's recommended "max stale timer" (1 to 3 days). */
    public static final Duration MAX_DNS_SERVE_STALE = Duration.ofDays(3);
    /** {@value} bytes of request line. */
    public static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
    /** {@value} bytes of header block. */
    public static final int DEFAULT_MAX_HEADERS = 32 * 1024;
    /**
     * {@value}: {@code SETTINGS_MAX_CONCURRENT_STREAMS} on a decrypted HTTP/2 connection (RFC 9113 §6.5.2); the
     * RFC recommends at least 100.
     */
    public static final int DEFAULT_H2_MAX_CONCURRENT_STREAMS = 100;
    /** {@value} decisions kept in the near-cache of each proxy instance. */
    public static final int DEFAULT_DECISION_CACHE_SIZE = 10_000;

    /** 3 s for the ca role to issue a leaf; then that decrypted connection fails with a TLS alert. */
    public static final Duration DEFAULT_CA_TIMEOUT = Duration.ofSeconds(3);
    /** {@value} minted server contexts kept per proxy instance. */
    public static final int DEFAULT_LEAF_CACHE_SIZE = 10_000;

    /**
     * 10 s for a client on a transparent listener to send its whole ClientHello or request head once it has
     * started; then it is closed with a logged reason rather than left hanging.
     */
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);
    /**
     * 1 s: a client on a transparent listener that has sent no byte by then is taken for a server-first protocol
     * (SSH) and decided by its original destination instead of waiting for a ClientHello that will not come.
     */
    public static final Duration DEFAULT_SILENT_TIMEOUT = Duration.ofSeconds(1);

    /**
     * 30 s: after SIGTERM, open connections may go on this long before they are closed with reason {@code drain}
     * (README, "Drain and rolling restarts").
     */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** 0 s: the listeners stop accepting at once when a drain begins; see {@link #getDrainDelay()}. */
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ZERO;

    /** {@value}: the name of this section in the node configuration, the prefix of every key in messages. */
    public static final String SECTION = "proxy";
    /** The keys of the {@code proxy} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .section("explicit", ConfigSchema.builder().string("host").integer("port").build())
            .sections("transparent", TransparentListenerOptions.SCHEMA)
            .sections("reverse", ReverseListenerOptions.SCHEMA)
            .duration("hello-timeout")
            .duration("silent-timeout")
            .duration("connect-timeout")
            .duration("idle-timeout")
            .duration("request-timeout")
            .integer("max-request-line")
            .integer("max-headers")
            .integer("h2-max-concurrent-streams")
            .duration("policy-timeout")
            .duration("dns-timeout")
            .duration("dns-serve-stale")
            .integer("decision-cache-size")
            .bool("revoke-on-change")
            .duration("drain-delay")
            .duration("drain-timeout")
            .string("upstream-ca-file")
            .duration("ca-timeout")
            .integer("leaf-cache-size")
            .section("access-log", AccessLogOptions.SCHEMA)
            .section("limits", LimitOptions.SCHEMA)
            .section("metrics", ConfigSchema.builder().integer("max-rule-tags").build())
            .build();

    private String explicitHost = DEFAULT_EXPLICIT_HOST;
    private List<TransparentListenerOptions> transparent = List.of(new TransparentListenerOptions());
    private List<ReverseListenerOptions> reverse = List.of();
    private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
    private Duration silentTimeout = DEFAULT_SILENT_TIMEOUT;
    private int explicitPort = DEFAULT_EXPLICIT_PORT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration policyTimeout = DEFAULT_POLICY_TIMEOUT;
    private Duration dnsTimeout = DEFAULT_DNS_TIMEOUT;
    private Duration dnsServeStale = DEFAULT_DNS_SERVE_STALE;
    private int maxRequestLine = DEFAULT_MAX_REQUEST_LINE;
    private int maxHeaders = DEFAULT_MAX_HEADERS;
    private int h2MaxConcurrentStreams = DEFAULT_H2_MAX_CONCURRENT_STREAMS;
    private int decisionCacheSize = DEFAULT_DECISION_CACHE_SIZE;
    private boolean revokeOnChange;
    private Duration drainDelay = DEFAULT_DRAIN_DELAY;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private AccessLogOptions accessLog = new AccessLogOptions();
    private String upstreamCaFile;
    private Duration caTimeout = DEFAULT_CA_TIMEOUT;
    private int leafCacheSize = DEFAULT_LEAF_CACHE_SIZE;
    private LimitOptions limits = new LimitOptions();
    private int maxRuleTags = RuleTags.DEFAULT_MAX;

    public ProxyOptions() {
    }

    public ProxyOptions(ProxyOptions other) {
        this(other.toJson());
    }

    /**
     * Reads the {@code proxy} section; absent keys keep their defaults.
     *
     * @throws InvalidConfigException naming the dotted key ({@code proxy.idle-timout: unknown key}) when a key is
     *                                unknown, a value has the wrong type or is out of range
     */
    public ProxyOptions(JsonObject json) {
        this(SCHEMA.read(SECTION, json));
    }

    private ProxyOptions(ConfigView config) {
        try {
            ConfigView explicit = config.section("explicit");
            setExplicitHost(explicit.string("host", DEFAULT_EXPLICIT_HOST));
            setExplicitPort(explicit.integer("port", DEFAULT_EXPLICIT_PORT));
            if (config.has("transparent")) {
                setTransparent(config.sections("transparent").stream().map(TransparentListenerOptions::new).toList());
            }
            if (config.has("reverse")) {
                setReverse(config.sections("reverse").stream().map(ReverseListenerOptions::new).toList());
            }
            setHelloTimeout(config.duration("hello-timeout", DEFAULT_HELLO_TIMEOUT));
            setSilentTimeout(config.duration("silent-timeout", DEFAULT_SILENT_TIMEOUT));
            setConnectTimeout(config.duration("connect-timeout", DEFAULT_CONNECT_TIMEOUT));
            setIdleTimeout(config.duration("idle-timeout", DEFAULT_IDLE_TIMEOUT));
            setRequestTimeout(config.duration("request-timeout", DEFAULT_REQUEST_TIMEOUT));
            setPolicyTimeout(config.duration("policy-timeout", DEFAULT_POLICY_TIMEOUT));
            setDnsTimeout(config.duration("dns-timeout", DEFAULT_DNS_TIMEOUT));
            setDnsServeStale(config.duration("dns-serve-stale", DEFAULT_DNS_SERVE_STALE));
            setDrainDelay(config.duration("drain-delay", DEFAULT_DRAIN_DELAY));
            setDrainTimeout(config.duration("drain-timeout", DEFAULT_DRAIN_TIMEOUT));
            setMaxRequestLine(config.integer("max-request-line", DEFAULT_MAX_REQUEST_LINE));
            setMaxHeaders(config.integer("max-headers", DEFAULT_MAX_HEADERS));
            setH2MaxConcurrentStreams(config.integer("h2-max-concurrent-streams", DEFAULT_H2_MAX_CONCURRENT_STREAMS));
            setDecisionCacheSize(config.integer("decision-cache-size", DEFAULT_DECISION_CACHE_SIZE));
            setRevokeOnChange(config.bool("revoke-on-change", false));
            setAccessLog(new AccessLogOptions(config.section("access-log")));
            setUpstreamCaFile(config.string("upstream-ca-file", null));
            setCaTimeout(config.duration("ca-timeout", DEFAULT_CA_TIMEOUT));
            setLeafCacheSize(config.integer("leaf-cache-size", DEFAULT_LEAF_CACHE_SIZE));
            setLimits(new LimitOptions(config.section("limits")));
            setMaxRuleTags(config.section("metrics").integer("max-rule-tags", RuleTags.DEFAULT_MAX));
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("explicit", new JsonObject().put("host", explicitHost).put("port", explicitPort))
                .put("transparent", new JsonArray(transparent.stream().map(TransparentListenerOptions::toJson).toList()))
                .put("reverse", new JsonArray(reverse.stream().map(ReverseListenerOptions::toJson).toList()))
                .put("hello-timeout", Durations.format(helloTimeout))
                .put("silent-timeout", Durations.format(silentTimeout))
                .put("connect-timeout", Durations.format(connectTimeout))
                .put("idle-timeout", Durations.format(idleTimeout))
                .put("request-timeout", Durations.format(requestTimeout))
                .put("policy-timeout", Durations.format(policyTimeout))
                .put("dns-timeout", Durations.format(dnsTimeout))
                .put("dns-serve-stale", Durations.format(dnsServeStale))
                .put("max-request-line", maxRequestLine)
                .put("max-headers", maxHeaders)
                .put("h2-max-concurrent-streams", h2MaxConcurrentStreams)
                .put("decision-cache-size", decisionCacheSize)
                .put("revoke-on-change", revokeOnChange)
                .put("drain-delay", Durations.format(drainDelay))
                .put("drain-timeout", Durations.format(drainTimeout));
        json.put("access-log", accessLog.toJson());
        if (upstreamCaFile != null) {
            json.put("upstream-ca-file", upstreamCaFile);
        }
        json.put("ca-timeout", Durations.format(caTimeout)).put("leaf-cache-size", leafCacheSize)
                .put("limits", limits.toJson())
                .put("metrics", new JsonObject().put("max-rule-tags", maxRuleTags));
        return json;
    }

    public String getExplicitHost() {
        return explicitHost;
    }

    public ProxyOptions setExplicitHost(String explicitHost) {
        this.explicitHost = ListenerAddressOptions.bindHost("explicit.host", explicitHost);
        return this;
    }

    public int getExplicitPort() {
        return explicitPort;
    }

    /** @param explicitPort 0 binds an ephemeral port (tests) */
    public ProxyOptions setExplicitPort(int explicitPort) {
        this.explicitPort = ListenerAddressOptions.bindPort("explicit.port", explicitPort);
        return this;
    }

    /** The transparent listeners; empty when there are none. */
    public List<TransparentListenerOptions> getTransparent() {
        return transparent;
    }

    /** @param transparent an empty list opens no transparent listener; names must be unique */
    public ProxyOptions setTransparent(List<TransparentListenerOptions> transparent) {
        Set<String> names = new HashSet<>();
        for (TransparentListenerOptions listener : transparent) {
            if (!names.add(listener.getName())) {
                throw new IllegalArgumentException("transparent listener name '" + listener.getName()
                        + "' is used twice; give each a name or a different port");
            }
        }
        this.transparent = transparent.stream().map(TransparentListenerOptions::new).toList();
        return this;
    }

    /** The reverse listeners; none by default. */
    public List<ReverseListenerOptions> getReverse() {
        return reverse;
    }

    /** @param reverse names must be unique, and differ from the transparent listeners' */
    public ProxyOptions setReverse(List<ReverseListenerOptions> reverse) {
        Set<String> names = new HashSet<>();
        transparent.forEach(listener -> names.add(listener.getName()));
        for (ReverseListenerOptions listener : reverse) {
            if (!names.add(listener.getName())) {
                throw new IllegalArgumentException("reverse listener name '" + listener.getName()
                        + "' is used twice; give each a name or a different port");
            }
        }
        this.reverse = reverse.stream().map(ReverseListenerOptions::new).toList();
        return this;
    }

    public Duration getHelloTimeout() {
        return helloTimeout;
    }

    public ProxyOptions setHelloTimeout(Duration helloTimeout) {
        this.helloTimeout = positive("hello-timeout", helloTimeout);
        return this;
    }

    public Duration getSilentTimeout() {
        return silentTimeout;
    }

    public ProxyOptions setSilentTimeout(Duration silentTimeout) {
        this.silentTimeout = positive("silent-timeout", silentTimeout);
        return this;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public ProxyOptions setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive("connect-timeout", connectTimeout);
        return this;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public ProxyOptions setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = positive("idle-timeout", idleTimeout);
        return this;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public ProxyOptions setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = positive("request-timeout", requestTimeout);
        return this;
    }

    public Duration getPolicyTimeout() {
        return policyTimeout;
    }

    public ProxyOptions setPolicyTimeout(Duration policyTimeout) {
        this.policyTimeout = positive("policy-timeout", policyTimeout);
        return this;
    }

    public Duration getDnsTimeout() {
        return dnsTimeout;
    }

    public ProxyOptions setDnsTimeout(Duration dnsTimeout) {
        this.dnsTimeout = positive("dns-timeout", dnsTimeout);
        return this;
    }

    /**
     * How long past its TTL a resolution may still be used when no dns role answers (RFC 8767 serve-stale);
     * zero when that is off.
     */
    public Duration getDnsServeStale() {
        return dnsServeStale;
    }

    /** @param dnsServeStale zero (off) to {@link #MAX_DNS_SERVE_STALE} */
    public ProxyOptions setDnsServeStale(Duration dnsServeStale) {
        if (dnsServeStale == null || dnsServeStale.isNegative() || dnsServeStale.compareTo(MAX_DNS_SERVE_STALE) > 0) {
            throw new IllegalArgumentException("dns-serve-stale must be 0s (off) to "
                    + Durations.format(MAX_DNS_SERVE_STALE) + ", was "
                    + (dnsServeStale == null ? null : Durations.format(dnsServeStale)));
        }
        this.dnsServeStale = dnsServeStale;
        return this;
    }

    /**
     * How long the listeners go on accepting after a drain began, while {@code /readyz} already answers 503: the
     * time a load balancer needs to see that and send new connections elsewhere (its probe period times its
     * failure threshold). Zero stops them at once, for clients that are told of the drain otherwise (a Kubernetes
     * Service drops a terminating pod's endpoint by itself, but not at the same instant on every node).
     */
    public Duration getDrainDelay() {
        return drainDelay;
    }

    /** @param drainDelay zero or more */
    public ProxyOptions setDrainDelay(Duration drainDelay) {
        if (drainDelay == null || drainDelay.isNegative()) {
            throw new IllegalArgumentException("drain-delay must be 0s or more, was " + drainDelay);
        }
        this.drainDelay = drainDelay;
        return this;
    }

    /** How long open connections may go on once the listeners stopped accepting; then they close ({@code drain}). */
    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    /** @param drainTimeout zero (close at once) or more */
    public ProxyOptions setDrainTimeout(Duration drainTimeout) {
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain-timeout must be 0s or more, was " + drainTimeout);
        }
        this.drainTimeout = drainTimeout;
        return this;
    }

    public int getMaxRequestLine() {
        return maxRequestLine;
    }

    public ProxyOptions setMaxRequestLine(int maxRequestLine) {
        this.maxRequestLine = atLeast("max-request-line", maxRequestLine, 64);
        return this;
    }

    public int getMaxHeaders() {
        return maxHeaders;
    }

    public ProxyOptions setMaxHeaders(int maxHeaders) {
        this.maxHeaders = atLeast("max-headers", maxHeaders, 256);
        return this;
    }

    public int getDecisionCacheSize() {
        return decisionCacheSize;
    }

    public ProxyOptions setDecisionCacheSize(int decisionCacheSize) {
        this.decisionCacheSize = atLeast("decision-cache-size", decisionCacheSize, 0);
        return this;
    }

    /**
     * Whether a new policy version closes the open connections it no longer allows (README, "Policy reference");
     * off by default, when a connection lives under the version that admitted it until it ends.
     */
    public boolean isRevokeOnChange() {
        return revokeOnChange;
    }

    public ProxyOptions setRevokeOnChange(boolean revokeOnChange) {
        this.revokeOnChange = revokeOnChange;
        return this;
    }

    /** Where the access records go, and how the file rolls. */
    public AccessLogOptions getAccessLog() {
        return accessLog;
    }

    public ProxyOptions setAccessLog(AccessLogOptions accessLog) {
        this.accessLog = new AccessLogOptions(accessLog);
        return this;
    }

    /** The file that gets one JSON line per record, or {@code null} for none ({@link #getAccessLog()}). */
    public String getAccessLogFile() {
        return accessLog.getFile();
    }

    public ProxyOptions setAccessLogFile(String accessLogFile) {
        accessLog.setFile(accessLogFile);
        return this;
    }

    /** Extra CAs (PEM) trusted for servers being intercepted, besides the JDK's; {@code null} for none. */
    public String getUpstreamCaFile() {
        return upstreamCaFile;
    }

    public ProxyOptions setUpstreamCaFile(String upstreamCaFile) {
        this.upstreamCaFile = upstreamCaFile == null || upstreamCaFile.isBlank() ? null : upstreamCaFile;
        return this;
    }

    public Duration getCaTimeout() {
        return caTimeout;
    }

    public ProxyOptions setCaTimeout(Duration caTimeout) {
        this.caTimeout = positive("ca-timeout", caTimeout);
        return this;
    }

    public int getH2MaxConcurrentStreams() {
        return h2MaxConcurrentStreams;
    }

    public ProxyOptions setH2MaxConcurrentStreams(int h2MaxConcurrentStreams) {
        this.h2MaxConcurrentStreams = atLeast("h2-max-concurrent-streams", h2MaxConcurrentStreams, 1);
        return this;
    }

    public int getLeafCacheSize() {
        return leafCacheSize;
    }

    public ProxyOptions setLeafCacheSize(int leafCacheSize) {
        this.leafCacheSize = atLeast("leaf-cache-size", leafCacheSize, 1);
        return this;
    }

    /** What one client, and all of them, may hold open on this node. */
    public LimitOptions getLimits() {
        return limits;
    }

    public ProxyOptions setLimits(LimitOptions limits) {
        this.limits = new LimitOptions(limits.toJson());
        return this;
    }

    /**
     * How many distinct rule names {@code portcullis_rule_decisions_total} tags before it counts the rest as
     * {@code other} ({@link RuleTags}).
     */
    public int getMaxRuleTags() {
        return maxRuleTags;
    }

    public ProxyOptions setMaxRuleTags(int maxRuleTags) {
        this.maxRuleTags = atLeast("metrics.max-rule-tags", maxRuleTags, 0);
        return this;
    }

    private static Duration positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
        return value;
    }

    private static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", was " + value);
        }
        return value;
    }
}
