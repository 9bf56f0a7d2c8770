package dev.portcullis.node.testkit;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixtures do what their javadoc promises, checked with the real curl. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class TestkitTest {

    private static final TestCa CA = TestCa.create("Testkit Test CA");

    @Test
    void anIssuedLeafNamesItsHostsAndChainsToTheCa() throws Exception {
        TestCa.Leaf leaf = CA.issue("origin.test", "127.0.0.1");
        X509Certificate certificate = leaf.certificate();

        certificate.verify(CA.certificate().getPublicKey());
        certificate.checkValidity();
        assertThat(certificate.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "origin.test"), List.of(7, "127.0.0.1"));
        assertThat(leaf.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(leaf.chainPem()).isEqualTo(leaf.certPem() + CA.certPem());
    }

    @Test
    void anExpiredLeafIsExpiredAndASelfSignedOneChainsToItself() throws Exception {
        assertThatThrownBy(() -> CA.issueExpired("old.test").certificate().checkValidity())
                .isInstanceOf(CertificateExpiredException.class);
        X509Certificate selfSigned = TestCa.selfSigned("self.test").certificate();
        selfSigned.verify(selfSigned.getPublicKey());
    }

    @Test
    void anHttpsOriginAnswersCurlThatTrustsItsCaAndCountsTheConnection(Vertx vertx) {
        try (TestOrigin origin = TestOrigin.https(vertx, CA, "origin.test")) {
            Curl.Result hello = Curl.direct().caFile(origin.caFile())
                    .option("--resolve", "origin.test:" + origin.port() + ":127.0.0.1")
                    .get("https://origin.test:" + origin.port() + "/");
            Curl.Result bytes = Curl.direct().caFile(origin.caFile())
                    .option("--resolve", "origin.test:" + origin.port() + ":127.0.0.1")
                    .get("https://origin.test:" + origin.port() + "/bytes/100000");

            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello from origin.test").isEqualTo(origin.body());
            assertThat(bytes.body()).hasSize(100000);
            assertThat(origin.connections()).isEqualTo(2);
        }
    }

    @Test
    void curlRefusesAnOriginWithAnExpiredOrSelfSignedCertificate(Vertx vertx) {
        try (TestOrigin expired = TestOrigin.https(vertx, CA.issueExpired("origin.test"), "origin.test");
             TestOrigin selfSigned = TestOrigin.https(vertx, TestCa.selfSigned("origin.test"), "origin.test")) {
            for (TestOrigin origin : List.of(expired, selfSigned)) {
                Curl.Result result = Curl.direct().caFile(CA.certFile())
                        .option("--resolve", "origin.test:" + origin.port() + ":127.0.0.1")
                        .get("https://origin.test:" + origin.port() + "/");

                assertThat(result.exitCode()).isEqualTo(60);
                assertThat(result.status()).isZero();
            }
        }
    }

    @Test
    void aPlainHttpOriginServesTheSameEndpoints(Vertx vertx) {
        try (TestOrigin origin = TestOrigin.http(vertx, "plain.test")) {
            Curl.Result result = Curl.direct().get("http://127.0.0.1:" + origin.port() + "/nothing");

            assertThat(result.status()).isEqualTo(404);
            assertThat(origin.ca()).isNull();
        }
    }

    @Test
    void freePortsAreDistinct() {
        assertThat(FreePorts.take(5)).doesNotHaveDuplicates().allSatisfy(port -> assertThat(port).isPositive());
    }
}
