package dev.portcullis.node.admin;

import dev.portcullis.node.Node;
import dev.portcullis.node.config.AdminSettings;
import dev.portcullis.node.config.ConfigException;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the admin token comes from, and that an exposed admin API never runs without one. */
class AdminTokenTest {

    private static final String TOKEN = "s3cret-admin-token-0123456789";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "admin.host {0} without a token is refused, naming admin.token-file")
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.5", "192.168.1.10", "admin.example"})
    void aNonLoopbackAdminHostWithoutATokenIsRefusedNamingTheKey(String host) {
        assertThatThrownBy(() -> AdminToken.resolve(new AdminSettings(host, 9191), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.host " + host + " is not a loopback address")
                .hasMessageContaining("admin.token-file");
    }

    @ParameterizedTest(name = "admin.host {0} runs without a token")
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"})
    void aLoopbackAdminHostRunsWithoutAToken(String host) {
        assertThat(AdminToken.resolve(new AdminSettings(host, 9191), Map.of())).isEmpty();
    }

    @Test
    void aDisabledAdminApiNeedsNoTokenWhereverItWouldBind() {
        assertThat(AdminToken.resolve(new AdminSettings("0.0.0.0", AdminSettings.DISABLED), Map.of())).isEmpty();
    }

    @Test
    void theTokenFileIsReadWithoutItsTrailingNewlineAndMatchesOnlyItsContent() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");

        AdminToken token = AdminToken.resolve(new AdminSettings("0.0.0.0", 9191, file), Map.of()).orElseThrow();

        assertThat(token.matches(TOKEN)).isTrue();
        assertThat(token.matches(TOKEN + "\n")).isFalse();
        assertThat(token.matches(TOKEN.substring(1))).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.toString()).doesNotContain(TOKEN);
    }

    @Test
    void theTokenMayComeFromTheEnvironmentInstead() {
        AdminToken token = AdminToken.resolve(new AdminSettings("0.0.0.0", 9191),
                Map.of(AdminSettings.TOKEN_ENV, TOKEN)).orElseThrow();

        assertThat(token.matches(TOKEN)).isTrue();
    }

    @Test
    void aShortTokenIsRefused() {
        assertThatThrownBy(() -> AdminToken.resolve(new AdminSettings("127.0.0.1", 9191),
                Map.of(AdminSettings.TOKEN_ENV, "letmein")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AdminSettings.TOKEN_ENV + ": the admin token must be at least 16 characters");
    }

    @Test
    void aMissingTokenFileIsRefusedNamingIt() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> AdminToken.resolve(new AdminSettings("127.0.0.1", 9191, missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.token-file " + missing + " cannot be read");
    }

    @Test
    void aNodeWhoseAdminApiWouldBeExposedWithoutATokenStopsBeforeBindingAnything() throws Exception {
        int clusterPort = FreePorts.one();
        NodeConfig config = NodeConfig.fromJson(new JsonObject()
                .put("node", new JsonObject().put("roles", "dns:1").put("data-dir", dir.resolve("data").toString()))
                .put("cluster", new JsonObject().put("name", "admin-token-" + clusterPort).put("port", clusterPort))
                .put("admin", new JsonObject().put("host", "0.0.0.0").put("port", 0)));

        Future<Node> start = Node.start(config, Map.of());
        start.transform(done -> Future.succeededFuture()).await(30, TimeUnit.SECONDS);

        assertThat(start.failed()).isTrue();
        assertThat(start.cause()).isInstanceOf(ConfigException.class).hasMessageContaining("admin.token-file");
        // The cluster port was never bound: Hazelcast did not start.
        try (ServerSocket free = new ServerSocket(clusterPort, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).isEqualTo(clusterPort);
        }
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
