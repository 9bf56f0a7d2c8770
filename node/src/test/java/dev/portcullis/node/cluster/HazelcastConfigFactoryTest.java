package dev.portcullis.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.portcullis.node.config.ClusterSettings;
import dev.portcullis.node.config.ClusterTlsSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class HazelcastConfigFactoryTest {

    private final ClusterSettings settings = new ClusterSettings("edge", "10.1.2.3", 5801,
            List.of("10.1.2.3:5801", "10.1.2.4:5801", "10.1.2.5:5802"));
    private final Config config = HazelcastConfigFactory.create(settings);

    @Test
    void theClusterNameIsolatesTheCluster() {
        assertThat(config.getClusterName()).isEqualTo("edge");
    }

    @Test
    void joinsOnlyByTheListedMembersOneByOne() {
        JoinConfig join = config.getNetworkConfig().getJoin();

        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers())
                .containsExactly("10.1.2.3:5801", "10.1.2.4:5801", "10.1.2.5:5802");
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    }

    @Test
    void bindsOnlyTheClusterHostFromTheConfiguredPortUp() {
        NetworkConfig network = config.getNetworkConfig();

        assertThat(network.getPort()).isEqualTo(5801);
        assertThat(network.isPortAutoIncrement()).isTrue();
        assertThat(network.getPortCount()).isEqualTo(HazelcastConfigFactory.PORT_COUNT);
        assertThat(network.getInterfaces().isEnabled()).isTrue();
        assertThat(network.getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.1.2.3");
    }

    @Test
    void startsFastQuietlyAndLeavesShutdownToTheNode() {
        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
        assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
        assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
        assertThat(config.getProperty("hazelcast.max.wait.seconds.before.join")).isEqualTo("0");
        assertThat(config.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    }

    @Test
    void kubernetesDnsDiscoveryLooksUpTheServiceNameAndNeverTheMemberList() {
        Config dns = HazelcastConfigFactory.create(new ClusterSettings("edge", "10.1.2.3", 5801, List.of(),
                ClusterTlsSettings.GENERATED, ClusterSettings.Discovery.KUBERNETES_DNS,
                "portcullis-hz.portcullis.svc.cluster.local", Duration.ofSeconds(3), 5802));
        JoinConfig join = dns.getNetworkConfig().getJoin();

        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        assertThat(join.getKubernetesConfig().getProperties()).containsOnly(
                entry("service-dns", "portcullis-hz.portcullis.svc.cluster.local"),
                entry("service-dns-timeout", "3"),
                entry("service-port", "5801"));
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().getMembers()).isEmpty();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    }

    @Test
    void kubernetesDnsDiscoveryBindsExactlyThePortEveryMemberIsTriedOn() {
        Config dns = HazelcastConfigFactory.create(new ClusterSettings("edge", "10.1.2.3", 5801, List.of(),
                ClusterTlsSettings.GENERATED, ClusterSettings.Discovery.KUBERNETES_DNS, "hz.svc",
                Duration.ofSeconds(5), 0));

        assertThat(dns.getNetworkConfig().getPort()).isEqualTo(5801);
        assertThat(dns.getNetworkConfig().isPortAutoIncrement()).isFalse();
        assertThat(dns.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
        assertThat(dns.getProperty("hazelcast.merge.first.run.delay.seconds"))
                .isEqualTo(String.valueOf(HazelcastConfigFactory.DNS_MERGE_DELAY_SECONDS));
    }

    @Test
    void keepsTheVertxClusterStructures() {
        assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
        assertThat(config.getMapConfigs()).containsKey("__vertx.haInfo");
    }
}
