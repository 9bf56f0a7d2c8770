package dev.portcullis.dns;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.config.Durations;
import dev.portcullis.dns.cache.ResolutionCache;
import dev.portcullis.dns.cache.TtlPolicy;
import dev.portcullis.dns.overrides.StaticOverrides;
import dev.portcullis.dns.recent.RecentNamesMap;
import dev.portcullis.dns.serve.WorkloadDnsServer;
import dev.portcullis.dns.lookup.Answer;
import dev.portcullis.api.dns.AddressFamily;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import dev.portcullis.dns.upstream.ServerAddresses;
import dev.portcullis.dns.upstream.UpstreamResolver;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * The dns role. Resolves destination names with the gateway's own resolvers, never the client's, so a proxy
 * connects only where the gateway itself resolved the name. Serves
 * {@link Addresses#DNS_RESOLVE} ({@code {name, family?}} → {@code {addresses[], ttlMs, source}}) and
 * {@link Addresses#DNS_INFO} ({@code {}} → {@code {servers[], cacheSize, staticNames}}) and
 * {@link Addresses#DNS_RECENT_NAMES}; with {@code serve} configured, also DNS itself to workloads
 * ({@link WorkloadDnsServer}), remembering which names it answered to whom.
 *
 * <p>Its configuration is the {@code dns} section of the node configuration, read by {@link DnsOptions}. Every
 * instance has its own cache and runs its queries on its own event loop; deploy several to spread the load.
 */
public class DnsVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DnsVerticle.class);

    private UpstreamResolver resolver;
    private ResolutionCache cache;
    private StaticOverrides overrides;
    private WorkloadDnsServer server;

    /** Listener name of the workloads' DNS server in the node's listener map (name → "host:port"). */
    public static final String SERVE_LISTENER = "dns";
    /** The node's local map of bound listeners, shared with the proxy role. */
    private static final String LISTENERS_MAP = "portcullis.listeners";

    public DnsVerticle() {
    }

    /**
     * Reads the options and registers both consumers.
     *
     * @return a future completed once both consumers are registered (cluster-wide when clustered), or failed
     * with an {@link IllegalArgumentException} naming the configuration key when the options are invalid
     */
    @Override
    public Future<?> start() {
        DnsOptions options;
        try {
            options = new DnsOptions(config());
        } catch (IllegalArgumentException e) {
            // The message names the dotted key (dns.min-ttl ...).
            return Future.failedFuture(new IllegalArgumentException("invalid configuration: " + e.getMessage(), e));
        }
        resolver = UpstreamResolver.onContext(vertx, context, options.getServers(), options.getTimeout());
        cache = new ResolutionCache(resolver,
                new TtlPolicy(options.getMinTtl(), options.getMaxTtl(), options.getNegativeTtl()),
                options.getCacheSize(), Ticker.systemTicker());
        overrides = new StaticOverrides(options.getStaticHosts(), options.getStaticTtl());

        MessageConsumer<Object> resolve =
                vertx.eventBus().consumer(Addresses.DNS_RESOLVE, new ResolveHandler(overrides, cache));
        MessageConsumer<Object> info = vertx.eventBus().consumer(Addresses.DNS_INFO, this::info);
        RecentNamesMap recent = new RecentNamesMap(vertx);
        MessageConsumer<Object> names =
                vertx.eventBus().consumer(Addresses.DNS_RECENT_NAMES, new RecentNamesHandler(recent));
        return Future.all(resolve.completion(), info.completion(), names.completion())
                .compose(registered -> serve(options, recent))
                .onSuccess(ignored -> LOG.info("dns role resolving with {} ({}), timeout {}, ttl {}..{}, "
                                + "negative {}, {} static names",
                        serverTexts(), options.getServers().isEmpty() ? "system resolvers" : "configured",
                        Durations.format(options.getTimeout()), Durations.format(options.getMinTtl()),
                        Durations.format(options.getMaxTtl()), Durations.format(options.getNegativeTtl()),
                        overrides.size()))
                .onFailure(failure -> resolver.close());
    }

    /**
     * Starts the workloads' DNS server when configured, in the first dns instance of this node only: the
     * instances share one port, and every instance answers from the same resolution and records into the same
     * cluster-wide map anyway.
     */
    private Future<?> serve(DnsOptions options, RecentNamesMap recent) {
        if (options.getServePort() < 0
                || vertx.sharedData().getLocalMap(LISTENERS_MAP).putIfAbsent(SERVE_LISTENER, "starting") != null) {
            return Future.succeededFuture();
        }
        server = new WorkloadDnsServer(this::answer, recent);
        return server.listen(((ContextInternal) context).nettyEventLoop(), ((VertxInternal) vertx).transport(),
                        options.getServeHost(), options.getServePort())
                .onSuccess(port -> {
                    String where = options.getServeHost() + ":" + port;
                    vertx.sharedData().<String, String>getLocalMap(LISTENERS_MAP).put(SERVE_LISTENER, where);
                    LOG.info("dns role serving workloads on {} (udp and tcp)", where);
                })
                .onFailure(failure -> vertx.sharedData().getLocalMap(LISTENERS_MAP).remove(SERVE_LISTENER));
    }

    /** Static overrides first, then the cache: what a resolve request gets. */
    private Future<Answer> answer(String name, AddressFamily family) {
        Answer fixed = overrides.lookup(name, family);
        return fixed != null ? Future.succeededFuture(fixed) : cache.lookup(name, family);
    }

    /** Closes the resolver's channels; the consumers are unregistered by the undeployment itself. */
    @Override
    public Future<?> stop() {
        if (server != null) {
            server.close();
            vertx.sharedData().getLocalMap(LISTENERS_MAP).remove(SERVE_LISTENER);
        }
        if (resolver != null) {
            resolver.close();
        }
        return Future.succeededFuture();
    }

    private void info(Message<Object> message) {
        message.reply(new JsonObject()
                .put("servers", serverTexts())
                .put("cacheSize", cache.size())
                .put("staticNames", overrides.size()));
    }

    private JsonArray serverTexts() {
        JsonArray texts = new JsonArray();
        for (InetSocketAddress server : resolver.servers()) {
            texts.add(ServerAddresses.format(server));
        }
        return texts;
    }
}
