package dev.portcullis.node.admin;

import dev.portcullis.node.testkit.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the admin API says when a role the node depends on runs nowhere in the cluster. */
@Timeout(120)
class AdminApiWithoutRolesTest {

    @Test
    void withoutAPolicyRoleDecideAndPolicyAnswer503AndReadyzNamesPolicy() {
        try (TestCluster cluster = TestCluster.start(TestCluster.node("dns:1"))) {
            int admin = cluster.node(0).adminPort();

            AdminHttp.Answer decide = AdminHttp.get(admin, "/api/v1/decide?host=example.com&port=443");
            AdminHttp.Answer policy = AdminHttp.get(admin, "/api/v1/policy");
            AdminHttp.Answer ready = AdminHttp.get(admin, "/readyz");

            assertThat(decide.status()).isEqualTo(503);
            assertThat(decide.body().getString("error")).isEqualTo("policy-unavailable");
            assertThat(decide.body().getString("message")).contains("no policy role");
            assertThat(policy.status()).isEqualTo(503);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().getJsonArray("missing")).isEqualTo(new JsonArray().add("policy"));
            assertThat(ready.body().getJsonObject("policy").getString("error")).contains("policy unavailable");
        }
    }

    @Test
    void withoutADnsRoleReadyzAnswers503NamingDns(@TempDir Path dir) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "version: 1\ndefault: { action: deny }\nrules: []\n");
        try (TestCluster cluster = TestCluster.start(TestCluster.node("policy:1")
                .section("policy", new JsonObject().put("file", policy.toString())))) {

            AdminHttp.Answer ready = AdminHttp.get(cluster.node(0).adminPort(), "/readyz");

            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().getBoolean("ready")).isFalse();
            assertThat(ready.body().getJsonArray("missing")).isEqualTo(new JsonArray().add("dns"));
            assertThat(ready.body().getJsonObject("policy").getString("policyVersion")).isNotBlank();
        }
    }
}
