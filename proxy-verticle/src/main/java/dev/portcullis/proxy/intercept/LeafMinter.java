package dev.portcullis.proxy.intercept;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.ca.SignRequest;
import dev.portcullis.api.ca.SignedChain;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side TLS contexts for intercepted hosts. The leaf key pair is made here, on the proxy node, and
 * never leaves it: only the public key goes to the ca role. Contexts are cached per host (bounded) and
 * concurrent requests for one host share one issuance; {@link #clear()} drops them all when the CA changes.
 */
public final class LeafMinter {

    private final Vertx vertx;
    private final CaClient ca;
    private final Cache<String, SslContext> contexts;
    // Issuances under way, so concurrent connections to one host share one (Caffeine's AsyncCache would log
    // every failed load with a stack trace — noisy exactly when the ca role is down).
    private final Map<String, Future<SslContext>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong issued = new AtomicLong();

    public LeafMinter(Vertx vertx, CaClient ca, int cacheSize, Duration keepFor) {
        this.vertx = vertx;
        this.ca = ca;
        this.contexts = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(keepFor).build();
    }

    /**
     * @param host          the name the client asked for; the cache key and the leaf's first name
     * @param mirroredNames further names to put in the leaf (the upstream certificate's DNS names)
     * @param notAfterMs    the leaf must not outlive this (the upstream certificate's expiry)
     * @return a context presenting a leaf for {@code host}, or a failed future ({@code CA_UNAVAILABLE}, ...)
     */
    public Future<SslContext> contextFor(String host, List<String> mirroredNames, long notAfterMs) {
        SslContext cached = contexts.getIfPresent(host);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        Future<SslContext> pending = inFlight.get(host);
        if (pending != null) {
            return pending;
        }
        Future<SslContext> minted = mint(host, mirroredNames, notAfterMs);
        inFlight.put(host, minted);
        return minted.onComplete(done -> inFlight.remove(host, minted))
                .onSuccess(context -> contexts.put(host, context));
    }

    /** Leaves issued by the ca role for this minter so far (a cache hit issues none). */
    public long issued() {
        return issued.get();
    }

    public void clear() {
        contexts.invalidateAll();
    }

    private Future<SslContext> mint(String host, List<String> mirroredNames, long notAfterMs) {
        return vertx.executeBlocking(LeafMinter::newKeyPair, false)
                .compose(keys -> ca.sign(new SignRequest(names(host, mirroredNames), keys.getPublic().getEncoded(),
                                Math.max(0, notAfterMs)))
                        .compose(chain -> vertx.executeBlocking(() -> context(keys, chain), false)))
                .onSuccess(context -> issued.incrementAndGet());
    }

    private static List<String> names(String host, List<String> mirrored) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(host), mirrored.stream())
                .distinct().limit(SignRequest.MAX_NAMES).toList();
    }

    private static KeyPair newKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static SslContext context(KeyPair keys, SignedChain chain) throws Exception {
        X509Certificate[] certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(chain.chainPem().getBytes(StandardCharsets.US_ASCII)))
                .toArray(X509Certificate[]::new);
        return SslContextBuilder.forServer(keys.getPrivate(), certificates)
                .sslProvider(TlsEngine.provider())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
    }
}
