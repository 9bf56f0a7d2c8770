package dev.portcullis.node.admin;

import dev.portcullis.node.testkit.Poll;
import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Two in-JVM nodes list each other, with their roles, through either node's admin API. */
@Timeout(120)
class ClusterMembershipTest {

    @Test
    void everyNodeListsBothMembersWithTheirRoles() {
        try (TestCluster cluster = TestCluster.start(TestCluster.node("dns:1"), TestCluster.node("dns:2"))) {
            Set<String> ids = Set.of(cluster.node(0).id(), cluster.node(1).id());

            for (int i = 0; i < 2; i++) {
                AdminHttp.Answer answer = AdminHttp.get(cluster.node(i).adminPort(), "/api/v1/cluster");

                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body().getString("self")).isEqualTo(cluster.node(i).id());
                List<JsonObject> members = members(answer.body().getJsonArray("members"));
                assertThat(members).extracting(member -> member.getString("nodeId"))
                        .containsExactlyInAnyOrderElementsOf(ids);
                assertThat(members).allSatisfy(member -> assertThat(member.getBoolean("registered")).isTrue());
                assertThat(members.stream().map(member -> member.getJsonObject("roles")).collect(Collectors.toSet()))
                        .containsExactlyInAnyOrder(new JsonObject().put("dns", 1), new JsonObject().put("dns", 2));
            }
        }
    }

    @Test
    void aNodeThatLeftIsNoLongerListed() throws TimeoutException {
        try (TestCluster cluster = TestCluster.start(TestCluster.node("dns:1"), TestCluster.node("dns:1"))) {
            String leaving = cluster.node(1).id();

            cluster.node(1).close().await(20, TimeUnit.SECONDS);

            // The survivor learns of the departure from Hazelcast shortly after the close completes.
            List<String> listed = Poll.until(Duration.ofSeconds(10),
                    () -> members(AdminHttp.get(cluster.node(0).adminPort(), "/api/v1/cluster").body()
                            .getJsonArray("members")).stream().map(member -> member.getString("nodeId")).toList(),
                    ids -> ids.size() == 1, "the cluster listing shrinks to one member");
            assertThat(listed).containsExactly(cluster.node(0).id()).doesNotContain(leaving);
        }
    }

    private static List<JsonObject> members(JsonArray array) {
        return array.stream().map(JsonObject.class::cast).toList();
    }
}
