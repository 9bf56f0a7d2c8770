package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.YamlConfigBuilder;
import dev.portcullis.node.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/hazelcast.yaml documents what the node builds; this keeps the two from drifting apart. */
class HazelcastReferenceConfigTest {

    private static final Path REFERENCE = Path.of("..", "deploy", "hazelcast.yaml");

    @Test
    void theReferenceFileDescribesTheConfigBuiltForTheDefaults() throws FileNotFoundException {
        Config reference = new YamlConfigBuilder(REFERENCE.toString()).build();
        Config built = HazelcastConfigFactory.create(NodeConfig.fromJson(new JsonObject()).cluster());

        assertThat(reference.getClusterName()).isEqualTo(built.getClusterName());
        assertThat(reference.getProperties()).isEqualTo(built.getProperties());
        NetworkConfig expected = built.getNetworkConfig();
        NetworkConfig actual = reference.getNetworkConfig();
        assertThat(actual.getPort()).isEqualTo(expected.getPort());
        assertThat(actual.isPortAutoIncrement()).isEqualTo(expected.isPortAutoIncrement());
        assertThat(actual.getPortCount()).isEqualTo(expected.getPortCount());
        assertThat(actual.getInterfaces()).isEqualTo(expected.getInterfaces());
        assertThat(actual.getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(actual.getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(actual.getJoin().getTcpIpConfig()).isEqualTo(expected.getJoin().getTcpIpConfig());
        assertThat(reference.getMultiMapConfig("__vertx.subs")).isEqualTo(built.getMultiMapConfig("__vertx.subs"));
        assertThat(reference.getMapConfig("__vertx.haInfo").getBackupCount())
                .isEqualTo(built.getMapConfig("__vertx.haInfo").getBackupCount());
    }
}
