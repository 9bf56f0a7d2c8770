package dev.portcullis.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Opens the event-bus connections between a joining node and every member, both ways, before the node's roles
 * take requests (README, "Drain and rolling restarts"). The clustered event bus connects to a node on the first
 * message for it, and each connection is a TCP and TLS handshake, which in a JVM that is still starting can take
 * longer than a proxy waits for a decision: a policy node that registered its consumers cold failed the first
 * request each proxy sent it. So every node answers pings on an address of its own, and a joining node pings each
 * member: the ping opens the connection from here, the answer the one back.
 */
public final class BusWarmUp {

    /** {@value}{@code <nodeId>}: request/reply, {@code {}} → {@code {}}; served by every node for itself. */
    public static final String PING_PREFIX = "portcullis.node.ping.";

    private static final Logger LOG = LoggerFactory.getLogger(BusWarmUp.class);

    private BusWarmUp() {
    }

    /** Answers pings to this node; completed once the address is registered cluster-wide. */
    public static Future<Void> answerPings(Vertx vertx, String nodeId) {
        return vertx.eventBus().<JsonObject>consumer(PING_PREFIX + nodeId, message -> message.reply(new JsonObject()))
                .completion();
    }

    /**
     * Pings every member but this node, each at most {@code timeout}; never fails (a member that does not answer
     * is left for the bus to connect on demand, as before).
     */
    public static Future<Void> pingMembers(Vertx vertx, String self, List<String> members, Duration timeout) {
        DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
        long started = System.nanoTime();
        List<Future<Object>> pings = members.stream().filter(member -> !member.equals(self))
                .map(member -> vertx.eventBus().request(PING_PREFIX + member, new JsonObject(), delivery)
                        .<Object>map(reply -> reply)
                        .onFailure(failure -> LOG.debug("warm-up ping to {} failed: {}", member, failure.toString())))
                .toList();
        return Future.join(pings).otherwiseEmpty().onComplete(done -> LOG.debug("event bus to {} members warm in {} ms",
                pings.size(), Duration.ofNanos(System.nanoTime() - started).toMillis())).mapEmpty();
    }
}
