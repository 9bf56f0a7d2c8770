package dev.portcullis.node.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ConfigLoaderTest {

    @Test
    void readsTheDocumentedYamlShape(Vertx vertx) throws Exception {
        Path file = Path.of(getClass().getResource("/config/full.yaml").toURI());

        NodeConfig config = ConfigLoader.load(vertx, file, Map.of()).await().validate();

        assertThat(config.roles().spec()).isEqualTo("policy:1,dns:1,proxy:2");
        assertThat(config.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(config.admin().port()).isEqualTo(9192);
        assertThat(config.policy().getString("reload-interval")).isEqualTo("1s");
        assertThat(config.dns().getJsonObject("static").getJsonArray("origin.test"))
                .isEqualTo(new JsonArray().add("127.0.0.1"));
        assertThat(config.proxy().getJsonObject("explicit")).isEqualTo(
                new JsonObject().put("host", "127.0.0.1").put("port", 3129));
        assertThat(config.proxy().getJsonObject("access-log").getString("file")).isEqualTo("/tmp/pc/access.log");
    }

    @Test
    void anEmptyFileMeansAllDefaults(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("empty.yaml"), "");

        assertThat(ConfigLoader.load(vertx, file, Map.of()).await().validate())
                .isEqualTo(NodeConfig.fromJson(new JsonObject()));
    }

    @Test
    void laterFilesOverrideEarlierOnesKeyByKeyAndListsWhole(Vertx vertx, @TempDir Path dir) throws Exception {
        Path base = Files.writeString(dir.resolve("base.yaml"), """
                admin: { host: 127.0.0.1, port: 9191 }
                dns: { servers: [192.0.2.1, 192.0.2.2], timeout: 3s }
                """);
        Path overlay = Files.writeString(dir.resolve("overlay.yaml"), """
                admin: { port: 9300 }
                dns: { servers: [192.0.2.9] }
                """);

        NodeConfig config = ConfigLoader.loadFiles(vertx, List.of(base, overlay), Map.of()).await().validate();

        assertThat(config.admin().host()).isEqualTo("127.0.0.1");
        assertThat(config.admin().port()).isEqualTo(9300);
        assertThat(config.dns().getJsonArray("servers")).isEqualTo(new JsonArray().add("192.0.2.9"));
        assertThat(config.dns().getString("timeout")).isEqualTo("3s");
    }

    @Test
    void aBadValueIsNamedWithTheFileThatSetItLast(Vertx vertx, @TempDir Path dir) throws Exception {
        Path base = Files.writeString(dir.resolve("base.yaml"), "admin: { port: 9191 }\n");
        Path overlay = Files.writeString(dir.resolve("overlay.yaml"), "proxy: { idle-timout: 1s }\n");
        Path second = Files.writeString(dir.resolve("second.yaml"), "admin: { port: 70000 }\n");

        assertThatThrownBy(() -> ConfigLoader.loadFiles(vertx, List.of(base, overlay), Map.of()).await().validate())
                .hasMessageStartingWith(overlay + ": proxy.idle-timout: unknown key");
        assertThatThrownBy(() -> ConfigLoader.loadFiles(vertx, List.of(base, second), Map.of()).await().validate())
                .hasMessageStartingWith(second + ": admin.port must be");
        assertThatThrownBy(() -> ConfigLoader.loadFiles(vertx, List.of(second, base), Map.of("PORTCULLIS_ADMIN_PORT",
                "70001")).await().validate())
                .hasMessageStartingWith("PORTCULLIS_ADMIN_PORT: admin.port must be");
    }

    @Test
    void aMissingFileIsNamed(Vertx vertx, @TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + file + " does not exist");
    }

    @Test
    void brokenYamlIsNamedWithTheParserMessage(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "node:\n  roles: [proxy\n");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file " + file + " is not valid YAML")
                .hasMessageContaining("line 3");
    }

    @Test
    void aTypoInTheFileIsReportedWithTheFileAndTheDottedKey(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), "proxy:\n  idle-timout: 1s\n");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await().validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": proxy.idle-timout: unknown key (did you mean idle-timeout?)");
    }

    @Test
    void aQuotedNumberInTheFileIsANamedWrongType(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), "proxy:\n  max-headers: \"32768\"\n");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of()).await().validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": proxy.max-headers: expected a whole number, was the string \"32768\"");
    }

    @Test
    void aBadValueFromTheEnvironmentIsReportedUnderItsVariable(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), "proxy:\n  max-headers: 32768\n");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file, Map.of("PORTCULLIS_PROXY_MAX_HEADERS", "3"))
                .await().validate())
                .isInstanceOf(ConfigException.class)
                .hasMessage("PORTCULLIS_PROXY_MAX_HEADERS: proxy.max-headers must be at least 256, was 3");
    }

    @Test
    void defaultsThenFileThenEnvironmentThenFlags(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"),
                "node: { roles: \"dns:1\", data-dir: /from-file }\nproxy: { idle-timeout: 1m, max-headers: 16384 }\n");

        NodeConfig config = ConfigLoader.load(vertx, file, Map.of(
                        "PORTCULLIS_PROXY_IDLE_TIMEOUT", "2m", "PORTCULLIS_NODE_ROLES", "policy:1"))
                .await().withFlag("node", "roles", "proxy:1", "--roles").validate();

        assertThat(config.roles().spec()).as("flag over environment").isEqualTo("proxy:1");
        assertThat(config.dataDir()).as("file over default").isEqualTo(Path.of("/from-file"));
        assertThat(config.proxy().getString("idle-timeout")).as("environment over file").isEqualTo("2m");
        assertThat(config.proxy().getInteger("max-headers")).as("file where nothing overrides").isEqualTo(16384);
        assertThat(config.admin().port()).as("default where nothing is set").isEqualTo(9191);
    }

    @Test
    void aBadFlagValueIsReportedUnderTheFlag(Vertx vertx) {
        LoadedConfig loaded = ConfigLoader.load(vertx, null, Map.of()).await()
                .withFlag("node", "data-dir", " ", "--data-dir");

        assertThatThrownBy(loaded::validate).hasMessage("--data-dir: node.data-dir must not be empty");
    }
}
