package dev.portcullis.node.config;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example configurations under deploy/ stay valid. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class ExampleConfigsTest {

    @ParameterizedTest(name = "deploy/fleet/{0} is a valid node configuration")
    @ValueSource(strings = {"policy-dns.yaml", "proxy.yaml"})
    void exampleFleetConfigsAreValid(String name, Vertx vertx) {
        Path file = Path.of("..", "deploy", "fleet", name);

        NodeConfig config = ConfigLoader.load(vertx, file, Map.of()).await().validate();

        assertThat(config.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    }

    @Test
    void bothExampleNodesTrustTheSameFleetCaSoTheirEventBusesAcceptEachOther(Vertx vertx) {
        ClusterTlsSettings policyDns = ConfigLoader.load(vertx, Path.of("..", "deploy", "fleet", "policy-dns.yaml"),
                Map.of()).await().validate().cluster().tls();
        ClusterTlsSettings proxy = ConfigLoader.load(vertx, Path.of("..", "deploy", "fleet", "proxy.yaml"),
                Map.of()).await().validate().cluster().tls();

        assertThat(policyDns.generated()).isFalse();
        assertThat(proxy.trustFile()).isEqualTo(policyDns.trustFile());
    }
}
