package dev.portcullis.proxy.revoke;

import dev.portcullis.api.policy.DecideRequest;
import dev.portcullis.api.policy.Decision;
import dev.portcullis.proxy.connection.AdmittedConnections;
import dev.portcullis.proxy.connection.ClientConnection;
import dev.portcullis.proxy.decide.Decider;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Re-decides the open connections of one proxy instance on every {@code policy.changed} and closes, with reason
 * {@code revoked}, those the new version denies ({@code proxy.revoke-on-change}, README "Policy reference").
 *
 * <ul>
 *   <li>Only a deny closes. A connection the new version still allows stays as it was admitted, even when the
 *       rule now says another inspection (decrypt instead of splice, or the reverse): a tunnel cannot change its
 *       mode midway, and the requests inside a decrypted one are decided one by one anyway.</li>
 *   <li>A question that cannot be answered (no policy role, a timeout) closes nothing: a tunnel survives a
 *       fault of the policy role, as it does without this setting. It is logged.</li>
 *   <li>Connections admitted by the same question share one answer, and at most {@value #IN_FLIGHT} questions
 *       are on the bus at a time, so a change with thousands of tunnels open sends a bounded stream of requests
 *       rather than a burst.</li>
 *   <li>A newer change stops the pass of an older one: its answers may be the older version's, and the newer
 *       pass asks everything again.</li>
 *   <li>A connection admitted by a version other than the last one announced (its decision crossed the change)
 *       is asked once more as it joins, so none slips through between the notice and its dial.</li>
 * </ul>
 * Not thread-safe: used on the proxy instance's event loop.
 */
public final class RevokeOnChange {

    private static final Logger LOG = LoggerFactory.getLogger(RevokeOnChange.class);
    /** Questions on the bus at once during one pass. */
    static final int IN_FLIGHT = 16;

    private final Decider decider;
    private final AdmittedConnections admitted;
    private String latestVersion;
    private Pass current;

    private RevokeOnChange(Decider decider, AdmittedConnections admitted) {
        this.decider = decider;
        this.admitted = admitted;
    }

    /** Revocation through {@code decider}, which the caller clears on each change before {@link #policyChanged}. */
    public static RevokeOnChange on(Decider decider) {
        return new RevokeOnChange(decider, new AdmittedConnections());
    }

    /** The setting off: connections are not even held, and a change closes nothing. */
    public static RevokeOnChange off() {
        return new RevokeOnChange(null, null);
    }

    /** Whether the setting is on. */
    public boolean enabled() {
        return decider != null;
    }

    /** {@code connection} was admitted by {@code decision}, the answer to {@code question}. */
    public void admitted(ClientConnection connection, DecideRequest question, Decision decision) {
        if (!enabled()) {
            return;
        }
        admitted.join(connection, question);
        if (latestVersion != null && !latestVersion.equals(decision.policyVersion())) {
            decider.decide(question).onComplete(again -> {
                if (again.succeeded() && !again.result().allowed()) {
                    connection.revoke(why(again.result()));
                } else if (again.failed()) {
                    LOG.debug("cannot decide again a tunnel admitted by policy {}: {}", decision.policyVersion(),
                            again.cause().getMessage());
                }
            });
        }
    }

    /** A new policy version is in force: asks it about every open connection. */
    public void policyChanged(String version) {
        if (!enabled()) {
            return;
        }
        latestVersion = version;
        current = new Pass(version, admitted.byQuestion());
        current.start();
    }

    private static String why(Decision decision) {
        return "denied by rule '" + decision.rule() + "' (policy " + decision.policyVersion() + ")";
    }

    /** One re-decision of the connections open when a version was announced. */
    private final class Pass {

        private final String version;
        private final Iterator<Map.Entry<DecideRequest, List<ClientConnection>>> next;
        private final int open;
        private int inFlight;
        private int revoked;
        private int undecided;
        private String failure;
        private boolean reported;

        Pass(String version, Map<DecideRequest, List<ClientConnection>> groups) {
            this.version = version;
            this.next = groups.entrySet().iterator();
            this.open = groups.values().stream().mapToInt(List::size).sum();
        }

        void start() {
            if (open == 0) {
                LOG.debug("policy {}: no open tunnels to decide again", version);
                return;
            }
            for (int worker = 0; worker < IN_FLIGHT && next.hasNext(); worker++) {
                work();
            }
        }

        /** Asks the next questions until one has to wait for the bus; a cached answer settles at once. */
        private void work() {
            while (current == this && next.hasNext()) {
                Map.Entry<DecideRequest, List<ClientConnection>> group = next.next();
                Future<Decision> answer = decider.decide(group.getKey());
                if (!answer.isComplete()) {
                    inFlight++;
                    answer.onComplete(result -> {
                        inFlight--;
                        settle(group.getValue(), result);
                        work();
                    });
                    return;
                }
                settle(group.getValue(), answer);
            }
            if (inFlight == 0 && !reported) {
                reported = true;
                report();
            }
        }

        private void settle(List<ClientConnection> connections, AsyncResult<Decision> answer) {
            if (current != this) {
                return;
            }
            if (answer.failed()) {
                undecided += connections.size();
                failure = answer.cause().getMessage();
                return;
            }
            Decision decision = answer.result();
            if (decision.allowed()) {
                return;
            }
            for (ClientConnection connection : connections) {
                if (!connection.finished()) {
                    connection.revoke(why(decision));
                    revoked++;
                }
            }
        }

        private void report() {
            if (current != this) {
                LOG.info("policy {}: revoked {} of {} open tunnels, then stopped for a newer version", version,
                        revoked, open);
                return;
            }
            LOG.info("policy {}: revoked {} of {} open tunnels", version, revoked, open);
            if (undecided > 0) {
                LOG.warn("policy {}: {} of {} open tunnels could not be decided again and stay open: {}", version,
                        undecided, open, failure);
            }
        }
    }
}
