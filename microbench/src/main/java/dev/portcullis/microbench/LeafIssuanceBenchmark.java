package dev.portcullis.microbench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.ca.CaVerticle;
import dev.portcullis.proxy.intercept.LeafMinter;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Leaf issuance as the proxy role pays for it, {@code LeafMinter.contextFor} (issue 12's aims: a miss over the bus
 * p99 below 5 ms, a hit on the proxy node p99 below 50 µs). Two clustered Vert.x instances in this JVM, Hazelcast on
 * 127.0.0.1 under a cluster name of their own: one runs the ca role ({@link CaVerticle}, a CA generated into a
 * temporary directory), the other holds the minter, so every signing crosses the clustered event bus over loopback.
 * That bus is plain TCP here; production's runs mutual TLS (docs/fleet-security.md), which adds the encryption of
 * the request and the answer on an established connection.
 * <ul>
 *   <li>{@code miss}: a host never asked for, so the whole issuance: the leaf key pair on a worker of the proxy
 *       side, the signing request and its answer over the bus, the {@code SslContext} build. Started on an event
 *       loop of the proxy side, as a connection's stage would be, and awaited from the JMH thread.</li>
 *   <li>{@code pacedMiss}: the same miss, one every {@value Pace#INTERVAL_MS} ms (50 new hosts a second on one
 *       proxy node, a fleet's busy hour of new names) instead of back to back: between misses the key pool refills
 *       and the cores go quiet, as they do between a node's real misses. The wait is outside the timing.</li>
 *   <li>{@code hit}: one of {@value #WARM_HOSTS} hosts minted before each iteration; called on the JMH thread, since
 *       a hit only reads the cache and touches no context.</li>
 *   <li>{@code hitThroughEventLoop}: the same hit started on the event loop and awaited like {@code miss}: the
 *       cost of the hop there and back, which {@code miss} includes and the proxy, already on its loop, does not
 *       pay.</li>
 *   <li>{@code pacedHitThroughEventLoop}: that hop at {@code pacedMiss}'s pace: what waking the idle threads
 *       costs.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LeafIssuanceBenchmark {

    private static final int WARM_HOSTS = 16;
    /**
     * Far above the misses one iteration can make (each takes milliseconds): they never evict a warmed host. The
     * cache is emptied before each iteration, which bounds the contexts (native BoringSSL memory) a run holds.
     */
    private static final int CACHE_SIZE = 200_000;
    private static final Duration AWAIT = Duration.ofSeconds(30);

    private final AtomicLong fresh = new AtomicLong();
    private final AtomicLong expectedIssued = new AtomicLong();
    private Path dataDir;
    private Vertx caNode;
    private Vertx proxyNode;
    private Context eventLoop;
    private LeafMinter minter;
    private long notAfterMs;
    private String[] warm;
    private int nextWarm;

    @Setup(Level.Trial)
    public void startCluster() throws Exception {
        dataDir = Files.createTempDirectory("portcullis-leaf-bench-");
        String cluster = "portcullis-leaf-bench-" + UUID.randomUUID();
        int caPort = freePort();
        int proxyPort = freePort();
        List<String> members = List.of("127.0.0.1:" + caPort, "127.0.0.1:" + proxyPort);
        caNode = clustered(cluster, caPort, members);
        proxyNode = clustered(cluster, proxyPort, members);
        caNode.deployVerticle(new CaVerticle(), new DeploymentOptions().setConfig(new JsonObject()
                .put("data-dir", dataDir.toString()).put("reload-interval", 0))).await(AWAIT.toSeconds(),
                TimeUnit.SECONDS);
        awaitCaFromProxyNode();
        eventLoop = proxyNode.getOrCreateContext();
        minter = new LeafMinter(proxyNode, new CaClient(proxyNode), CACHE_SIZE, Duration.ofDays(1));
        // The upstream certificate's expiry, as the proxy passes it; the ca role caps the leaf at its validity.
        notAfterMs = System.currentTimeMillis() + Duration.ofDays(30).toMillis();
        warm = new String[WARM_HOSTS];
        for (int i = 0; i < WARM_HOSTS; i++) {
            warm[i] = "w" + i + ".bench.test";
        }
    }

    @Setup(Level.Iteration)
    public void warmHits() throws Exception {
        minter.clear();
        for (String host : warm) {
            onEventLoop(host);
        }
        expectedIssued.set(minter.issued());
    }

    @Benchmark
    public SslContext miss() throws Exception {
        expectedIssued.incrementAndGet();
        return onEventLoop("h" + fresh.incrementAndGet() + ".bench.test");
    }

    @Benchmark
    public SslContext pacedMiss(Pace pace) throws Exception {
        return miss();
    }

    @Benchmark
    public SslContext hit() {
        return minter.contextFor(nextWarm(), List.of(), notAfterMs).result();
    }

    @Benchmark
    public SslContext pacedHitThroughEventLoop(Pace pace) throws Exception {
        return onEventLoop(nextWarm());
    }

    @Benchmark
    public SslContext hitThroughEventLoop() throws Exception {
        return onEventLoop(nextWarm());
    }

    /** A benchmark of the wrong path measures nothing: every miss issued one leaf, and no hit issued any. */
    @TearDown(Level.Iteration)
    public void checkIssued() {
        if (minter.issued() != expectedIssued.get()) {
            throw new IllegalStateException("expected " + expectedIssued.get() + " leaves issued, the minter issued "
                    + minter.issued());
        }
    }

    @TearDown(Level.Trial)
    public void stopCluster() throws IOException {
        try {
            Future.all(proxyNode.close(), caNode.close()).await(AWAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cluster did not close", e);
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private String nextWarm() {
        // Racy with -t > 1, harmlessly: any warmed host is a hit.
        nextWarm = (nextWarm + 1) % WARM_HOSTS;
        return warm[nextWarm];
    }

    private SslContext onEventLoop(String host) throws Exception {
        CompletableFuture<SslContext> minted = new CompletableFuture<>();
        eventLoop.runOnContext(start -> minter.contextFor(host, List.of(), notAfterMs)
                .onComplete(minted::complete, minted::completeExceptionally));
        return minted.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Holds each paced call until its slot: {@value #INTERVAL_MS} ms after the previous one began. */
    @State(Scope.Thread)
    public static class Pace {
        static final long INTERVAL_MS = 20;
        private long nextNanos;

        @Setup(Level.Invocation)
        public void awaitSlot() throws InterruptedException {
            long now = System.nanoTime();
            if (nextNanos - now > 0) {
                TimeUnit.NANOSECONDS.sleep(nextNanos - now);
            }
            nextNanos = Math.max(now, nextNanos) + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        }
    }

    /** Registrations reach the other member through Hazelcast asynchronously: ask until the ca role answers. */
    private void awaitCaFromProxyNode() throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(1_000);
        while (true) {
            try {
                proxyNode.eventBus().request(Addresses.CA_INFO, new JsonObject(), delivery)
                        .await(2, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ca role did not answer the proxy side within " + AWAIT, e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Joins by the member list on 127.0.0.1 only, as the node's own Hazelcast config does (fleet-client). */
    private static Vertx clustered(String cluster, int port, List<String> members) throws Exception {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false)
                .getInterfaces().clear().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).clear();
        members.forEach(join.getTcpIpConfig()::addMember);
        VertxOptions options = new VertxOptions();
        options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(config))
                .buildClustered().await(AWAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
