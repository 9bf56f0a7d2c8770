package dev.portcullis.node.cluster;

import dev.portcullis.node.config.ClusterSettings;
import dev.portcullis.node.testkit.FreePorts;
import dev.portcullis.node.testkit.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered Vert.x nodes on loopback: a starting node's role consumer gets no request from the other node
 * until it enters the routing, while a consumer of an address outside the role requests (a publish address) is
 * reachable at once; after it withdraws, its consumer still answers what was already routed to it.
 */
@Timeout(120)
class RoutingClusterManagerTest {

    private static final String ROLE = "test.role.request";
    private static final String CHANGES = "test.role.changed";
    private final List<Vertx> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(node -> node.close().await());
    }

    @Test
    void aStartingNodesRoleIsRoutedRequestsOnlyOnceItEntersTheRouting() throws Exception {
        String cluster = "routing-" + UUID.randomUUID();
        int firstPort = FreePorts.one();
        List<String> members = List.of("127.0.0.1:" + firstPort);
        RoutingClusterManager starting = manager(cluster, firstPort, members);
        Vertx startingNode = join(starting);
        Vertx sender = join(manager(cluster, FreePorts.one(), members));

        startingNode.eventBus().<String>consumer(ROLE, message -> message.reply("answered")).completion()
                .await(10, TimeUnit.SECONDS);
        startingNode.eventBus().<String>consumer(CHANGES, message -> message.reply("heard")).completion()
                .await(10, TimeUnit.SECONDS);

        // The other address is in the cluster at once; the role's is not, so the sender finds nobody for it.
        Poll.until(Duration.ofSeconds(30), () -> request(sender, CHANGES), Future::succeeded,
                "the publish address answered from the other node");
        assertThat(failureType(request(sender, ROLE))).isEqualTo(ReplyFailure.NO_HANDLERS);

        starting.enterRouting().await(10, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(30), () -> request(sender, ROLE), Future::succeeded,
                "the role answered once in the routing");

        starting.withdraw().await(10, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(30), () -> failureType(request(sender, ROLE)),
                ReplyFailure.NO_HANDLERS::equals, "nobody routed to after the withdrawal");
        // Withdrawn, not gone: a request routed here still finds the consumer.
        assertThat(request(startingNode, ROLE, new DeliveryOptions().setLocalOnly(true).setSendTimeout(5000)).succeeded()).isTrue();
    }

    private static Future<Object> request(Vertx from, String address) {
        return request(from, address, new DeliveryOptions().setSendTimeout(5000));
    }

    private static Future<Object> request(Vertx from, String address, DeliveryOptions options) {
        Future<Object> answer = from.eventBus().request(address, "question", options).map(message -> message.body());
        answer.otherwiseEmpty().await();
        return answer;
    }

    private static ReplyFailure failureType(Future<?> answer) {
        return answer.cause() instanceof ReplyException reply ? reply.failureType() : null;
    }

    private static RoutingClusterManager manager(String cluster, int port, List<String> members) {
        ClusterSettings settings = new ClusterSettings(cluster, "127.0.0.1", port, members);
        return new RoutingClusterManager(HazelcastConfigFactory.create(settings), Set.of(ROLE));
    }

    private Vertx join(RoutingClusterManager manager) throws Exception {
        VertxOptions options = new VertxOptions();
        options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
        Vertx node = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
                .await(60, TimeUnit.SECONDS);
        nodes.add(node);
        return node;
    }
}
