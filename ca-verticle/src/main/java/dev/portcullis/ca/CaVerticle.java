package dev.portcullis.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.bus.Replies;
import dev.portcullis.api.ca.SignRequest;
import dev.portcullis.api.config.Durations;
import dev.portcullis.ca.cache.ChainCache;
import dev.portcullis.ca.issue.Issuer;
import dev.portcullis.ca.issue.LeafBuilder;
import dev.portcullis.ca.issue.LeafValidity;
import dev.portcullis.ca.root.CaLoadException;
import dev.portcullis.ca.root.CaMaterial;
import dev.portcullis.ca.root.CaReloader;
import dev.portcullis.ca.root.CaSource;
import dev.portcullis.ca.root.Loaded;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The ca role. Signs leaves for the public keys proxies send ({@link Addresses#CA_SIGN}:
 * {@code SignRequest} → {@code SignedChain}), hands out the root ({@link Addresses#CA_ROOT}: {@code {}} →
 * {@code CaRoot}), and reports itself on {@link #INFO_ADDRESS}. The CA's private key stays in this process: it is
 * never sent, logged or put in a message.
 *
 * <p>Its configuration is the {@code ca} section of the node configuration, read by {@link CaOptions}. The CA
 * comes from a PEM pair or a PKCS#12 keystore, or is generated into the data directory on first start. The CA
 * files are checked for change every {@code reload-interval}; a valid replacement comes into force at once,
 * the chain cache is cleared and the new root is published on {@link Addresses#CA_CHANGED} (also once at start,
 * so proxies holding leaves of a CA replaced while this role was down drop them; the payload carries the
 * fingerprint, so a proxy may ignore a notice for the CA it already has). A broken replacement is refused with
 * a logged reason and the old CA stays.
 *
 * <p>Every instance has its own cache and counters; deploy several to spread signings over event loops.
 */
public class CaVerticle extends VerticleBase {

    /**
     * Request/reply: {@code {}} → {@code {fingerprint, caId, subject, notAfter, source, signed, cacheHits,
     * cached, lastError?}} about the instance that answers. For readiness probes, the admin API and tests.
     */
    public static final String INFO_ADDRESS = Addresses.CA_INFO;

    private static final Logger LOG = LoggerFactory.getLogger(CaVerticle.class);

    private final Function<String, String> environment;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    private CaSource source;
    private CaReloader reloader;
    private ChainCache cache;
    private Issuer issuer;
    private volatile CaMaterial ca;
    private long timerId = -1;
    private boolean checking;
    private boolean stopped;
    private String lastError;

    /** Reads {@code passphrase-env} from the process environment. */
    public CaVerticle() {
        this(System::getenv);
    }

    /**
     * @param environment looks up the variable named by {@code passphrase-env}; for embedding and tests, since a
     *                    process cannot change its own environment
     */
    public CaVerticle(Function<String, String> environment) {
        this.environment = environment;
    }

    /**
     * Reads the options, loads or generates the CA on a worker, and registers the consumers.
     *
     * @return a future completed once the CA is in force and every consumer is registered (cluster-wide when
     *         clustered), or failed with the reason (invalid options, unreadable or invalid CA)
     */
    @Override
    public Future<?> start() {
        CaOptions options;
        try {
            options = new CaOptions(config());
        } catch (IllegalArgumentException e) {
            // The message names the dotted key (ca.cache-size ...).
            return Future.failedFuture(new IllegalArgumentException("invalid configuration: " + e.getMessage(), e));
        }
        source = CaSources.from(options, environment, clock, random);
        cache = new ChainCache(options.getCacheSize(), clock);
        issuer = new Issuer(() -> ca, cache,
                new LeafBuilder(new LeafValidity(options.getLeafValidity(), clock), random),
                task -> context.executeBlocking(task, false).toCompletionStage());
        return context.executeBlocking(source::open, false)
                .recover(failure -> Future.failedFuture(new IllegalStateException("ca: " + reason(failure))))
                .compose(loaded -> {
                    reloader = new CaReloader(source, loaded);
                    install(loaded);
                    MessageConsumer<Object> sign = vertx.eventBus().consumer(Addresses.CA_SIGN, this::sign);
                    MessageConsumer<Object> root = vertx.eventBus().consumer(Addresses.CA_ROOT,
                            message -> message.reply(ca.root().toJson()));
                    MessageConsumer<Object> info = vertx.eventBus().consumer(INFO_ADDRESS,
                            message -> message.reply(info()));
                    if (!options.getReloadInterval().isZero()) {
                        timerId = vertx.setPeriodic(options.getReloadInterval().toMillis(), id -> checkFiles());
                    }
                    LOG.info("ca: serving {} from {}, leaves valid {}, cache {} chains, reload every {}",
                            ca.certificate().getSubjectX500Principal().getName(), source.describe(),
                            Durations.format(options.getLeafValidity()), options.getCacheSize(),
                            Durations.format(options.getReloadInterval()));
                    return Future.all(sign.completion(), root.completion(), info.completion());
                });
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        return Future.succeededFuture();
    }

    private void sign(Message<Object> message) {
        SignRequest request;
        try {
            if (!(message.body() instanceof JsonObject body)) {
                throw new IllegalArgumentException("a sign request must be a JSON object");
            }
            request = SignRequest.fromJson(body);
        } catch (IllegalArgumentException e) {
            Replies.fail(message, ErrorCode.BAD_REQUEST, e.getMessage());
            return;
        }
        issuer.issue(request).whenComplete((chain, failure) -> {
            if (failure == null) {
                message.reply(chain.toJson());
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (cause instanceof IllegalArgumentException) {
                    Replies.fail(message, ErrorCode.BAD_REQUEST, cause.getMessage());
                } else {
                    LOG.warn("ca: cannot sign {}: {}", request, reason(cause));
                    Replies.fail(message, cause instanceof GatewayException gateway ? gateway.code()
                            : ErrorCode.INTERNAL, reason(cause));
                }
            }
        });
    }

    /** Puts a CA in force; a different one clears the cache and is announced. Runs on this verticle's context. */
    private void install(Loaded loaded) {
        CaMaterial previous = ca;
        CaMaterial next = loaded.material();
        if (previous != null && previous.id().equals(next.id())) {
            return;
        }
        ca = next;
        cache.clear();
        LOG.info("ca: CA in force: '{}' (root SHA-256 {}, valid until {}) from {}{}",
                next.certificate().getSubjectX500Principal().getName(), next.root().fingerprintSha256(),
                next.notAfter(), next.source(), previous == null ? "" : ", replacing " + previous.id());
        vertx.eventBus().publish(Addresses.CA_CHANGED, next.root().toJson());
    }

    private void checkFiles() {
        if (checking) {
            return;
        }
        checking = true;
        context.<Optional<Loaded>>executeBlocking(reloader::check, false).onComplete(result -> {
            checking = false;
            if (stopped) {
                return;
            }
            if (result.succeeded()) {
                result.result().ifPresent(loaded -> {
                    lastError = null;
                    install(loaded);
                });
            } else {
                lastError = reason(result.cause());
                LOG.warn("ca: refused the CA now in {}, keeping '{}': {}", source.describe(),
                        ca.certificate().getSubjectX500Principal().getName(), lastError);
            }
        });
    }

    private JsonObject info() {
        CaMaterial current = ca;
        JsonObject info = new JsonObject()
                .put("fingerprint", current.root().fingerprintSha256())
                .put("caId", current.id())
                .put("subject", current.certificate().getSubjectX500Principal().getName())
                .put("notAfter", current.notAfter().toEpochMilli())
                .put("source", current.source())
                .put("signed", cache.signings())
                .put("cacheHits", cache.hits())
                .put("cached", cache.size());
        if (lastError != null) {
            info.put("lastError", lastError);
        }
        return info;
    }

    /**
     * A failure's text fit for a log line: ours in full, anyone else's by class name only, since JCA and
     * BouncyCastle texts are not ours to vouch for.
     */
    private static String reason(Throwable failure) {
        if (failure instanceof CaLoadException || failure instanceof IllegalArgumentException
                || failure instanceof GatewayException) {
            return failure.getMessage();
        }
        return failure.getClass().getSimpleName();
    }
}
