package dev.portcullis.node.cluster;

import dev.portcullis.node.testkit.Curl;
import dev.portcullis.node.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node on Linux x86_64, the platform the jar ships native libraries for, runs on epoll and BoringSSL, and says
 * so on {@code /metrics}: losing either (a missing library after a dependency change) shows here, not only as a
 * slower bench.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeInfoTest {

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(TestCluster.node("dns:1"));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theNodeRunsOnEpollAndBoringSslAndSaysSoOnMetrics() {
        String scrape = Curl.direct().get("http://127.0.0.1:" + cluster.node(0).adminPort() + "/metrics").body();

        assertThat(scrape).containsPattern("(?m)^portcullis_runtime_info\\{[^}]*tls_engine=\"boringssl\""
                + "[^}]*transport=\"epoll\"[^}]*} 1(\\.0)?$");
    }
}
