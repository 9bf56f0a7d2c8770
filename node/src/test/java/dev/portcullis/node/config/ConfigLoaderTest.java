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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ConfigLoaderTest {

    @Test
    void readsTheDocumentedYamlShape(Vertx vertx) throws Exception {
        Path file = Path.of(getClass().getResource("/config/full.yaml").toURI());

        NodeConfig config = NodeConfig.fromJson(ConfigLoader.load(vertx, file).await());

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

        assertThat(NodeConfig.fromJson(ConfigLoader.load(vertx, file).await()))
                .isEqualTo(NodeConfig.fromJson(new JsonObject()));
    }

    @Test
    void aMissingFileIsNamed(Vertx vertx, @TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file).await())
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + file + " does not exist");
    }

    @Test
    void brokenYamlIsNamedWithTheParserMessage(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "node:\n  roles: [proxy\n");

        assertThatThrownBy(() -> ConfigLoader.load(vertx, file).await())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file " + file + " is not valid YAML")
                .hasMessageContaining("line 3");
    }
}
