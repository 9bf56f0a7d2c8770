package dev.portcullis.proxy.intercept;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.ca.SignRequest;
import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.proxy.metrics.StageTimers;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import javax.net.ssl.SSLException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side TLS contexts for intercepted hosts. The leaf key pair is made here, on the proxy node, and
 * never leaves it: only the public key goes to the ca role. Contexts are cached per host and ALPN protocol
 * (bounded; a context offers the client exactly the protocol the server selected, so there is one per choice) and
 * concurrent requests for one key share one issuance; {@link #clear()} drops them all when the CA changes.
 */
public final class LeafMinter {

    private final LeafKeys keys;
    private final CaClient ca;
    private final Cache<String, SslContext> contexts;
    // Issuances under way, so concurrent connections to one host share one (Caffeine's AsyncCache would log
    // every failed load with a stack trace — noisy exactly when the ca role is down).
    private final Map<String, Future<SslContext>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong issued = new AtomicLong();

    public LeafMinter(Vertx vertx, CaClient ca, int cacheSize, Duration keepFor) {
        this.keys = new LeafKeys(vertx);
        this.ca = ca;
        this.contexts = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(keepFor).build();
    }

    /** A context for HTTP/1.1 ({@link #contextFor(String, String, List, long)}). */
    public Future<SslContext> contextFor(String host, List<String> mirroredNames, long notAfterMs) {
        return contextFor(host, ApplicationProtocolNames.HTTP_1_1, mirroredNames, notAfterMs);
    }

    /**
     * @param host          the name the client asked for; with {@code protocol} the cache key, and the leaf's first
     *                      name
     * @param protocol      the one ALPN protocol the context offers the client ({@code h2} or {@code http/1.1})
     * @param mirroredNames further names to put in the leaf (the upstream certificate's DNS names)
     * @param notAfterMs    the leaf must not outlive this (the upstream certificate's expiry)
     * @return a context presenting a leaf for {@code host}, or a failed future ({@code CA_UNAVAILABLE}, ...)
     */
    public Future<SslContext> contextFor(String host, String protocol, List<String> mirroredNames, long notAfterMs) {
        String key = protocol + " " + host;
        SslContext cached = contexts.getIfPresent(key);
        if (cached != null) {
            return StageTimers.leafIssuance(true, Future.succeededFuture(cached));
        }
        Future<SslContext> pending = inFlight.get(key);
        if (pending != null) {
            // Waiting for another connection's issuance is a miss too: this connection waits as long.
            return StageTimers.leafIssuance(false, pending);
        }
        Future<SslContext> minted = mint(host, protocol, mirroredNames, notAfterMs);
        inFlight.put(key, minted);
        return StageTimers.leafIssuance(false, minted.onComplete(done -> inFlight.remove(key, minted))
                .onSuccess(context -> contexts.put(key, context)));
    }

    /** Leaves issued by the ca role for this minter so far (a cache hit issues none). */
    public long issued() {
        return issued.get();
    }

    public void clear() {
        contexts.invalidateAll();
    }

    private Future<SslContext> mint(String host, String protocol, List<String> mirroredNames, long notAfterMs) {
        // The context is built where the answer arrives, on the event loop: about 0.1 ms (LeafIssuanceBenchmark),
        // less than a handshake's own work there, and two thread hops fewer than a worker.
        return keys.next()
                .compose(pair -> ca.sign(new SignRequest(names(host, mirroredNames), pair.getPublic().getEncoded(),
                                Math.max(0, notAfterMs)))
                        .map(chain -> context(pair, chain, protocol)))
                .onSuccess(context -> issued.incrementAndGet());
    }

    private static List<String> names(String host, List<String> mirrored) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(host), mirrored.stream())
                .distinct().limit(SignRequest.MAX_NAMES).toList();
    }

    private static SslContext context(KeyPair keys, SignedChain chain, String protocol) {
        try {
            return build(keys, chain, protocol);
        } catch (CertificateException | SSLException e) {
            // The ca role's answer did not make a usable context: reported by class, as a signing failure is.
            throw new GatewayException(ErrorCode.INTERNAL, "cannot use the signed leaf (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static SslContext build(KeyPair keys, SignedChain chain, String protocol)
            throws CertificateException, SSLException {
        X509Certificate[] certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(chain.chainPem().getBytes(StandardCharsets.US_ASCII)))
                .toArray(X509Certificate[]::new);
        return SslContextBuilder.forServer(keys.getPrivate(), certificates)
                // Netty carries the key into the engine through an in-memory key store. The JDK's default type,
                // PKCS#12, protects the entry with PBKDF2 (10,000 rounds each way): most of a leaf's issuance
                // time on a profile of LeafIssuanceBenchmark. JKS's protection is a few digests; the store
                // never leaves this method, so its protection guards nothing either way.
                .keyStoreType("JKS")
                .trustManager(TlsEngine.noClientCertificates())
                .sslProvider(TlsEngine.provider())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocol))
                .build();
    }
}
