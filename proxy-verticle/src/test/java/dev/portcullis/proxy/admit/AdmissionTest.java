package dev.portcullis.proxy.admit;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.api.policy.DecisionReason;
import dev.portcullis.api.policy.HttpDecision;
import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.NonTlsAction;
import dev.portcullis.api.policy.Protocol;
import dev.portcullis.api.policy.Verdict;
import dev.portcullis.proxy.LimitOptions;
import dev.portcullis.proxy.access.AccessLog;
import dev.portcullis.proxy.access.AccessRecord;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.connection.ConnectionLimits;
import dev.portcullis.proxy.decide.DeniedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one admission stage on a local bus, with real sockets: a client connection on loopback is admitted to a
 * counting origin. What must never be dialled is checked at the origin, and what must never be resolved at the
 * dns consumer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdmissionTest {

    /** The default limits: far above what a test opens. */
    private static final ConnectionLimits LIMITS = new ConnectionLimits(new LimitOptions());

    private Vertx vertx;
    /** One client for the test, held: Vert.x 5 closes an unreachable client and its connections at a GC. */
    private NetClient netClient;
    private LocalFleet fleet;
    private NetServer origin;
    private final AtomicInteger originAccepted = new AtomicInteger();
    private final AtomicInteger originClosed = new AtomicInteger();
    private final CompletableFuture<Void> originSawClose = new CompletableFuture<>();
    private NetServer proxy;
    private volatile Admit admit;
    private volatile CompletableFuture<Admitted> admitted;
    private volatile ClientConnection connection;

    /** What the proxy side does with each accepted client. */
    private interface Admit {
        Future<Admitted> run(ClientConnection connection);
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        netClient = vertx.createNetClient();
        fleet = new LocalFleet(vertx);
        origin = vertx.createNetServer().connectHandler(socket -> {
            originAccepted.incrementAndGet();
            socket.closeHandler(closed -> {
                originClosed.incrementAndGet();
                originSawClose.complete(null);
            });
        }).listen(0, "127.0.0.1").await();
        AccessLog log = AccessLog.discarding();
        proxy = vertx.createNetServer().connectHandler(socket -> {
            connection = new ClientConnection(vertx, socket, log, LIMITS, "test", "explicit");
            admit.run(connection).onComplete(done -> {
                if (done.succeeded()) {
                    admitted.complete(done.result());
                } else {
                    admitted.completeExceptionally(done.cause());
                }
            });
        }).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private static Decision allow(Inspection inspection, NonTlsAction nonTls) {
        return new Decision(Verdict.ALLOW, inspection, nonTls, "r", "sha256:test", DecisionReason.RULE, 0,
                List.of(), List.of());
    }

    private DecideRequest question(Protocol protocol) {
        return new DecideRequest("origin.test", origin.actualPort(), "127.0.0.1", "test", Mode.EXPLICIT, protocol,
                null);
    }

    private NetSocket admitOneClient(DecideRequest question, Payload payload) {
        admitted = new CompletableFuture<>();
        admit = connection -> fleet.admission.admit(connection, question, HostName.parse("origin.test"), payload);
        return netClient.connect(proxy.actualPort(), "127.0.0.1").await();
    }

    private Admitted outcome() throws Exception {
        try {
            return admitted.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void aPlainRequestTheRulesHttpEntriesDenyIsRefusedBeforeAnythingIsResolvedOrDialled() {
        fleet.decision = allow(Inspection.DECRYPT, NonTlsAction.DENY);
        fleet.httpDecision = new HttpDecision(Verdict.DENY, "r", "no http entry matched", "sha256:test");

        admitOneClient(question(Protocol.HTTP), new Payload.PlainHttp("GET", "/private", io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));

        assertThatThrownBy(this::outcome).isInstanceOf(DeniedException.class)
                .hasMessageContaining("GET /private denied by rule 'r'");
        assertThat(fleet.httpDecisions).hasValue(1);
        assertThat(fleet.resolutions).hasValue(0);
        assertThat(originAccepted).hasValue(0);
    }

    @Test
    void aPlainRequestTheRulesHttpEntriesAllowIsDialledAndRecorded() throws Exception {
        fleet.decision = allow(Inspection.DECRYPT, NonTlsAction.DENY);
        fleet.httpDecision = new HttpDecision(Verdict.ALLOW, "r", "matched", "sha256:test");

        admitOneClient(question(Protocol.HTTP), new Payload.PlainHttp("GET", "/public", io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));

        Admitted result = outcome();
        assertThat(result.decision().rule()).isEqualTo("r");
        AccessRecord record = connection.record();
        assertThat(record.get(AccessRecord.METHOD)).isEqualTo("GET");
        assertThat(record.get(AccessRecord.PATH)).isEqualTo("/public");
        assertThat(record.get(AccessRecord.RESOLVED)).isEqualTo("127.0.0.1");
        assertThat(record.get(AccessRecord.INSPECTION)).isEqualTo("decrypt");
    }

    @Test
    void aSpliceRuleNeverAsksTheHttpEntries() throws Exception {
        fleet.decision = allow(Inspection.SPLICE, NonTlsAction.DENY);

        admitOneClient(question(Protocol.HTTP), new Payload.PlainHttp("GET", "/anything", io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));

        outcome();
        assertThat(fleet.httpDecisions).hasValue(0);
    }

    @Test
    void opaqueBytesUnderADecryptRuleThatSaysNonTlsDenyAreRefusedBeforeAnythingIsDialled() {
        fleet.decision = allow(Inspection.DECRYPT, NonTlsAction.DENY);

        admitOneClient(question(Protocol.TCP), new Payload.Opaque("an SSH banner"));

        assertThatThrownBy(this::outcome).isInstanceOf(DeniedException.class)
                .hasMessageContaining("an SSH banner denied by rule 'r': it decrypts and says non-tls: deny");
        assertThat(fleet.resolutions).hasValue(0);
        assertThat(originAccepted).hasValue(0);
    }

    @Test
    void aDeniedNameIsNeitherResolvedNorDialled() {
        fleet.decision = new Decision(Verdict.DENY, Inspection.SPLICE, NonTlsAction.DENY, "blocked", "sha256:test",
                DecisionReason.RULE, 0, List.of(), List.of());

        admitOneClient(question(Protocol.TCP), new Payload.Tunnel());

        assertThatThrownBy(this::outcome).isInstanceOf(DeniedException.class)
                .hasMessageContaining("denied by rule 'blocked'");
        assertThat(connection.record().get(AccessRecord.VERDICT)).isEqualTo("deny");
        assertThat(fleet.resolutions).hasValue(0);
        assertThat(originAccepted).hasValue(0);
    }

    @Test
    void aClientThatLeavesWhileItsUpstreamIsDialledLeavesNoUpstreamSocketBehind() throws Exception {
        fleet.decision = allow(Inspection.SPLICE, NonTlsAction.DENY);
        // The upstream is dialled only once the client has gone: watched on the connection's own event loop,
        // where its close is handled.
        admit = connection -> {
            Promise<Void> clientGone = Promise.promise();
            ScheduledFuture<?> watch = connection.channel().eventLoop().scheduleAtFixedRate(() -> {
                if (connection.closed()) {
                    clientGone.tryComplete();
                }
            }, 5, 5, TimeUnit.MILLISECONDS);
            return clientGone.future().onComplete(gone -> watch.cancel(false)).compose(gone ->
                    fleet.admission.admit(connection, question(Protocol.TCP), HostName.parse("origin.test"),
                            new Payload.Tunnel()));
        };
        admitted = new CompletableFuture<>();
        NetSocket client = netClient.connect(proxy.actualPort(), "127.0.0.1").await();
        client.close().await();

        assertThatThrownBy(this::outcome).isInstanceOf(ClientGoneException.class);
        originSawClose.get(5, TimeUnit.SECONDS);
        assertThat(originAccepted).hasValue(1);
        assertThat(originClosed).as("the upstream dialled for a client that left is closed").hasValue(1);
    }
}
