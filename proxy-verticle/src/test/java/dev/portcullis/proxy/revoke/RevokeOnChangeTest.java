package dev.portcullis.proxy.revoke;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.PolicyClient;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.proxy.LimitOptions;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.ConnectionLimits;
import dev.portcullis.proxy.decide.Decider;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The re-decision on a local bus with real client sockets: a policy consumer that denies the names the test
 * says, counting what it is asked and how many questions wait for it at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RevokeOnChangeTest {

    /** The default limits: far above what a test opens. */
    private static final ConnectionLimits LIMITS = new ConnectionLimits(new LimitOptions());

    private Vertx vertx;
    /** One client for the test, held: Vert.x 5 closes an unreachable client and its connections at a GC. */
    private NetClient netClient;
    private NetServer proxy;
    private Context loop;
    private RevokeOnChange revocation;
    private MessageConsumer<JsonObject> policy;
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger mostWaiting = new AtomicInteger();
    private final List<ClientConnection> accepted = new CopyOnWriteArrayList<>();
    private final List<NetSocket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        netClient = vertx.createNetClient();
        // Answers a moment later, as a policy role across the bus does, so questions can pile up.
        policy = vertx.eventBus().<JsonObject>consumer(Addresses.POLICY_DECIDE, message -> {
            asked.incrementAndGet();
            mostWaiting.accumulateAndGet(waiting.incrementAndGet(), Math::max);
            String host = message.body().getString("host");
            vertx.setTimer(5, fired -> {
                waiting.decrementAndGet();
                message.reply(decision(!denied.contains(host)).toJson());
            });
        });
        policy.completion().await();
        Decider decider = new Decider(new PolicyClient(vertx, Duration.ofMillis(500)), 100);
        revocation = RevokeOnChange.on(decider);
        AccessLog log = AccessLog.discarding();
        // The server is made on one event loop, as a proxy instance's listeners are, so its connections and the
        // changes the test announces share that loop.
        loop = vertx.getOrCreateContext();
        CompletableFuture<NetServer> listening = new CompletableFuture<>();
        loop.runOnContext(ignored -> vertx.createNetServer()
                .connectHandler(socket -> accepted.add(new ClientConnection(vertx, socket, log, LIMITS, "test", "explicit")))
                .listen(0, "127.0.0.1")
                .onSuccess(listening::complete)
                .onFailure(listening::completeExceptionally));
        proxy = listening.get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private static Decision decision(boolean allowed) {
        return new Decision(allowed ? Verdict.ALLOW : Verdict.DENY, Inspection.SPLICE, NonTlsAction.SPLICE,
                allowed ? "open" : "default", "sha256:v2", allowed ? DecisionReason.RULE : DecisionReason.DEFAULT,
                0, List.of(), List.of());
    }

    private static DecideRequest question(String host) {
        return new DecideRequest(host, 443, "127.0.0.1", "test", Mode.EXPLICIT, Protocol.TCP, null);
    }

    /** Opens a client connection and has it admitted by {@code question} under the version before the change. */
    private ClientConnection admit(DecideRequest question) throws Exception {
        int before = accepted.size();
        clients.add(netClient.connect(proxy.actualPort(), "127.0.0.1").await());
        while (accepted.size() == before) {
            vertx.timer(5).await();
        }
        ClientConnection connection = accepted.get(before);
        connection.record().put(AccessRecord.HOST, question.host()).put(AccessRecord.PORT, question.port());
        Decision admitting = new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.SPLICE, "open",
                "sha256:v1", DecisionReason.RULE, 0, List.of(), List.of());
        onLoop(() -> revocation.admitted(connection, question, admitting));
        return connection;
    }

    private void onLoop(Runnable action) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.runOnContext(ignored -> {
            action.run();
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
    }

    /** Waits until the loop has settled what a change started (all answers in, all closes done). */
    private void awaitQuiet() throws Exception {
        while (waiting.get() > 0) {
            vertx.timer(5).await();
        }
        vertx.timer(50).await();
        onLoop(() -> { });
    }

    @Test
    void identicalQuestionsShareOneAnswerAndOnlyTheDeniedAreClosed() throws Exception {
        List<ClientConnection> gone = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gone.add(admit(question("gone.test")));
        }
        ClientConnection kept = admit(question("kept.test"));
        denied.add("gone.test");

        onLoop(() -> revocation.policyChanged("sha256:v2"));
        awaitQuiet();

        assertThat(asked).as("one question per distinct request").hasValue(2);
        assertThat(gone).allSatisfy(connection -> {
            assertThat(connection.finished()).isTrue();
            assertThat(connection.record().get(AccessRecord.REASON)).isEqualTo(AccessRecord.REVOKED);
            assertThat(connection.record().get(AccessRecord.REVOKED_BY))
                    .isEqualTo("denied by rule 'default' (policy sha256:v2)");
        });
        assertThat(kept.finished()).isFalse();
    }

    @Test
    void aConnectionAdmittedAgainIsAskedAboutItsLatestDestinationAndItsStageSaysWhatRevokingMeans()
            throws Exception {
        // A keep-alive forward connection: admitted for gone.test, then for kept.test when it dialled again.
        ClientConnection connection = admit(question("gone.test"));
        List<String> revoked = new CopyOnWriteArrayList<>();
        connection.onRevoke(revoked::add);
        Decision admitting = new Decision(Verdict.ALLOW, Inspection.SPLICE, NonTlsAction.SPLICE, "open",
                "sha256:v1", DecisionReason.RULE, 0, List.of(), List.of());
        onLoop(() -> revocation.admitted(connection, question("kept.test"), admitting));
        denied.add("gone.test");

        onLoop(() -> revocation.policyChanged("sha256:v2"));
        awaitQuiet();
        assertThat(revoked).as("what it is connected to now is still allowed").isEmpty();

        onLoop(() -> revocation.admitted(connection, question("gone.test"), admitting));
        awaitQuiet();
        assertThat(revoked).as("its stage is told, admitted across the change to a name now denied")
                .containsExactly("denied by rule 'default' (policy sha256:v2)");
        assertThat(connection.finished()).as("the stage, not the connection, decides what closes").isFalse();
    }

    @Test
    void aChangeThatCannotBeDecidedClosesNothing() throws Exception {
        ClientConnection open = admit(question("gone.test"));
        denied.add("gone.test");
        policy.unregister().await();          // the policy role is gone when the change is processed

        onLoop(() -> revocation.policyChanged("sha256:v2"));
        vertx.timer(800).await();             // past the 500 ms the question may take
        onLoop(() -> { });

        assertThat(open.finished()).as("a tunnel survives a fault of the policy role").isFalse();
    }

    @Test
    void aChangeWithManyOpenConnectionsAsksABoundedNumberOfQuestionsAtOnce() throws Exception {
        List<ClientConnection> open = new ArrayList<>();
        for (int i = 0; i < 3 * RevokeOnChange.IN_FLIGHT; i++) {
            open.add(admit(question("host-" + i + ".test")));
        }
        mostWaiting.set(0);
        asked.set(0);

        onLoop(() -> revocation.policyChanged("sha256:v2"));
        while (asked.get() < open.size()) {
            vertx.timer(5).await();
        }
        awaitQuiet();

        assertThat(mostWaiting.get()).isBetween(1, RevokeOnChange.IN_FLIGHT);
        assertThat(open).noneMatch(ClientConnection::finished);
    }

    @Test
    void aConnectionWhoseDecisionCrossedTheChangeIsAskedAgainAsItJoins() throws Exception {
        denied.add("late.test");
        onLoop(() -> revocation.policyChanged("sha256:v2"));

        ClientConnection late = admit(question("late.test"));   // admitted by sha256:v1 after v2 was announced
        awaitQuiet();

        assertThat(late.finished()).isTrue();
        assertThat(late.record().get(AccessRecord.REASON)).isEqualTo(AccessRecord.REVOKED);
    }
}
