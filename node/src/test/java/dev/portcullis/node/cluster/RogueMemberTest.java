package dev.portcullis.node.cluster;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaClient;
import dev.portcullis.api.ca.SignRequest;
import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.node.fleet.FleetCredentials;
import dev.portcullis.node.fleet.FleetDirectory;
import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import dev.portcullis.node.testkit.TestFleetTls;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of issue 8 against a real fleet (a policy+dns+ca node and a proxy node, event bus with mutual TLS):
 * a process that knows the cluster name and a member address joins Hazelcast, then asks the ca role for a leaf
 * and registers its own policy.decide consumer. Without the fleet's credentials it gets no signature and no
 * decision reaches it. The same attack with the fleet's own credentials (an insider, or the bus without TLS)
 * succeeds, which shows the tests see the attack when it works.
 */
@Timeout(180)
class RogueMemberTest {

    private static final Logger LOG = LoggerFactory.getLogger(RogueMemberTest.class);
    private static final int DECISIONS = 40;
    /** The sample policy denies everything but example.com:443, so the real policy role denies this. */
    private static final String TARGET = "exfiltrate.test";

    @TempDir
    static Path dir;
    private static TestCluster cluster;

    /** The attacker's event-bus credentials. */
    enum Credentials { NONE, OTHER_FLEET, THIS_FLEET }

    @BeforeAll
    static void startFleet() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        try (InputStream sample = RogueMemberTest.class.getResourceAsStream("/dev/portcullis/node/sample-policy.yaml")) {
            Files.write(policy, sample.readAllBytes());
        }
        cluster = TestCluster.start(
                TestCluster.node("policy:1,dns:1,ca:1").section("policy", new JsonObject()
                        .put("file", policy.toString())),
                TestCluster.node("proxy:1"));
    }

    @AfterAll
    static void stopFleet() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "a rogue member with credentials {0} gets no leaf from the ca role")
    @EnumSource(value = Credentials.class, names = {"NONE", "OTHER_FLEET"})
    void aRogueMemberWithoutTheFleetsCredentialsGetsNoLeafSignedByTheRoot(Credentials credentials) throws Exception {
        try (Rogue rogue = join(credentials)) {
            awaitRoutable(rogue, Addresses.CA_SIGN);

            Future<SignedChain> answer = new CaClient(rogue.vertx(), Duration.ofSeconds(5)).sign(signRequest());

            answer.transform(done -> Future.succeededFuture()).await(20, TimeUnit.SECONDS);
            assertThat(answer.failed()).as("a chain came back: %s", answer.result()).isTrue();
            LOG.info("rogue ({}) sign request failed: {}", credentials, answer.cause().toString());
        }
    }

    @Test
    void anInsiderWithTheFleetsCredentialsDoesGetALeafSoTheRefusalAboveIsTheTlsNotTheRequest() throws Exception {
        try (Rogue insider = join(Credentials.THIS_FLEET)) {
            awaitRoutable(insider, Addresses.CA_SIGN);

            SignedChain chain = new CaClient(insider.vertx(), Duration.ofSeconds(5)).sign(signRequest())
                    .await(20, TimeUnit.SECONDS);

            assertThat(chain.chainPem()).startsWith("-----BEGIN CERTIFICATE-----");
        }
    }

    @ParameterizedTest(name = "a rogue policy.decide consumer with credentials {0} never answers the proxy")
    @EnumSource(value = Credentials.class, names = {"NONE", "OTHER_FLEET"})
    void aRoguePolicyConsumerWithoutTheFleetsCredentialsNeverAnswersTheProxy(Credentials credentials)
            throws Exception {
        try (Rogue rogue = join(credentials)) {
            AtomicInteger received = registerAllowEverything(rogue);
            awaitProxySees(rogue);

            Outcome outcome = decideFromTheProxyNode();

            LOG.info("rogue ({}) received {} of {} decisions; the proxy node got {}", credentials, received.get(),
                    DECISIONS, outcome);
            assertThat(received.get()).as("requests that reached the rogue").isZero();
            assertThat(outcome.allowed).as("allow answers (the rogue's)").isZero();
            assertThat(outcome.deniedByPolicy).as("answers of the real policy role").isPositive();
            assertThat(outcome.deniedByPolicy + outcome.failed).isEqualTo(DECISIONS);
        }
    }

    @Test
    void anInsiderPolicyConsumerWithTheFleetsCredentialsDoesTakeDecisionsSoTheCountAboveSeesTheAttack()
            throws Exception {
        try (Rogue insider = join(Credentials.THIS_FLEET)) {
            AtomicInteger received = registerAllowEverything(insider);
            awaitProxySees(insider);

            // The cluster's registration map can list the insider a moment before the proxy node's event bus
            // routes to it: a batch is sent again until the insider takes part, as an attacker would just wait.
            int[] got = new int[1];
            Outcome outcome = Poll.until(Duration.ofSeconds(20), () -> {
                received.set(0);
                Outcome batch = decideFromTheProxyNode();
                got[0] = received.get();
                return batch;
            }, batch -> got[0] > 0, "the insider receiving some of a batch of decisions");

            LOG.info("insider received {} of {} decisions; the proxy node got {}", got[0], DECISIONS, outcome);
            assertThat(outcome.allowed).isEqualTo(got[0]);
        }
    }

    @Test
    void theProxyNodeGetsEveryDecisionFromThePolicyRoleOverTheMutualTlsBus() {
        PolicyClient policy = new PolicyClient(cluster.node(1).vertx());
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long start = System.nanoTime();
            Decision decision = policy.decide(request(i)).await();
            micros.add((System.nanoTime() - start) / 1000);
            assertThat(decision.verdict()).isEqualTo(Verdict.DENY);
        }
        List<Long> sorted = micros.subList(50, micros.size()).stream().sorted().toList();
        LOG.info("policy.decide over the mTLS bus, proxy node -> policy node, {} sequential requests after 50 "
                        + "warm-up: median {} us, p99 {} us, max {} us", sorted.size(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() * 99 / 100), sorted.get(sorted.size() - 1));
    }

    private static Rogue join(Credentials credentials) throws Exception {
        FleetCredentials busCredentials = switch (credentials) {
            case NONE -> null;
            case OTHER_FLEET -> FleetDirectory.of(dir.resolve("other-fleet")).ensure("127.0.0.1");
            case THIS_FLEET -> FleetCredentials.pem(own("node.pem"), own("node.key"), own("ca.pem"));
        };
        Rogue rogue = Rogue.join(cluster.name(), cluster.members(), busCredentials);
        // It is a Hazelcast member like any other: the member port has no authentication.
        assertThat(rogue.clusterSize()).isEqualTo(3);
        return rogue;
    }

    private static Path own(String file) {
        TestFleetTls tls = cluster.fleetTls();
        return tls.directory().resolve(file);
    }

    /** Waits until the rogue sees the fleet's consumer of {@code address}, so a send would be routed to it. */
    private static void awaitRoutable(Rogue rogue, String address) {
        Poll.until(Duration.ofSeconds(20), () -> uncheckedRegistrations(rogue.vertx(), address),
                registrations -> !registrations.isEmpty(), "the rogue sees a consumer of " + address);
    }

    /** Waits until the proxy node's cluster manager lists the rogue's consumer beside the policy role's. */
    private static void awaitProxySees(Rogue rogue) {
        Poll.until(Duration.ofSeconds(20),
                () -> uncheckedRegistrations(cluster.node(1).vertx(), Addresses.POLICY_DECIDE),
                registrations -> registrations.stream().anyMatch(r -> r.nodeId().equals(rogue.nodeId()))
                        && registrations.size() >= 2,
                "the proxy node routes policy.decide to the rogue too");
    }

    private static List<io.vertx.core.spi.cluster.RegistrationInfo> uncheckedRegistrations(
            io.vertx.core.Vertx vertx, String address) {
        try {
            return Rogue.registrations(vertx, address);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "allow, splice, guard off" for everything, counting what arrives. */
    private static AtomicInteger registerAllowEverything(Rogue rogue) throws Exception {
        AtomicInteger received = new AtomicInteger();
        Decision allow = new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.SPLICE, "rogue", "rogue",
                DecisionReason.RULE, 60_000, List.of(), List.of("0.0.0.0/0", "::/0"), false);
        MessageConsumer<JsonObject> consumer = rogue.vertx().eventBus().consumer(Addresses.POLICY_DECIDE, message -> {
            received.incrementAndGet();
            message.reply(allow.toJson());
        });
        consumer.completion().await(10, TimeUnit.SECONDS);
        return received;
    }

    /** What came back to the proxy node for {@value #DECISIONS} decisions on {@value #TARGET}, sent at once. */
    private static Outcome decideFromTheProxyNode() {
        PolicyClient policy = new PolicyClient(cluster.node(1).vertx(), Duration.ofSeconds(3));
        List<Future<Decision>> answers = new ArrayList<>();
        for (int i = 0; i < DECISIONS; i++) {
            answers.add(policy.decide(request(i)));
        }
        try {
            Future.join(answers).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Some failed: counted below.
        }
        Outcome outcome = new Outcome();
        for (Future<Decision> answer : answers) {
            if (answer.failed()) {
                outcome.failed++;
            } else if (answer.result().allowed()) {
                outcome.allowed++;
            } else if (!answer.result().rule().equals("rogue")) {
                outcome.deniedByPolicy++;
            }
        }
        return outcome;
    }

    private static DecideRequest request(int i) {
        return new DecideRequest(TARGET, 443, "10.9.8." + (i % 250), "explicit", Mode.EXPLICIT, Protocol.TLS,
                null, false);
    }

    private static SignRequest signRequest() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return new SignRequest(List.of("github.com"), generator.generateKeyPair().getPublic().getEncoded(),
                System.currentTimeMillis() + Duration.ofDays(1).toMillis());
    }

    /** Counts of the answers the proxy node got. */
    private static final class Outcome {
        int allowed;
        int deniedByPolicy;
        int failed;

        @Override
        public String toString() {
            return allowed + " allowed, " + deniedByPolicy + " denied by the policy role, " + failed + " failed";
        }
    }
}
