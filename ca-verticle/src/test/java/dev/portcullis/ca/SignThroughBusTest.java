package dev.portcullis.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaRoot;
import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.ca.testing.CaRole;
import dev.portcullis.ca.testing.Chains;
import dev.portcullis.ca.testing.TestPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class SignThroughBusTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dataDir;
    private X509Certificate root;

    @BeforeEach
    void deploy(Vertx vertx) throws Exception {
        CaRole.deploy(vertx, new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", 0)).await();
        root = Chains.parse(Files.readString(dataDir.resolve("ca.pem"))).get(0);
    }

    @Test
    void signedChainIsAServerLeafForTheSentKeyIssuedByTheRoot(Vertx vertx) throws Exception {
        KeyPair key = TestPki.ecKey();

        SignedChain signed = SignedChain.fromJson(
                CaRole.sign(vertx, CaRole.signRequest(key.getPublic(), "Example.COM.", "192.0.2.7")).await());

        List<X509Certificate> chain = Chains.parse(signed.chainPem());
        X509Certificate leaf = chain.get(0);
        assertThat(chain).hasSize(2).element(1).isEqualTo(root);
        leaf.verify(root.getPublicKey());
        Chains.validateAsServer(chain, root);
        assertThat(leaf.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        assertThat(leaf.getSubjectAlternativeNames())
                .containsExactly(List.of(2, "example.com"), List.of(7, "192.0.2.7"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(signed.caFingerprint()).isEqualTo(CaRole.info(vertx).await().getString("fingerprint"));
    }

    @Test
    void leafLivesAtMostSevenDaysAndNeverPastTheHint(Vertx vertx) {
        KeyPair key = TestPki.ecKey();
        long hint = Instant.now().plus(Duration.ofHours(2)).toEpochMilli();

        SignedChain unhinted = SignedChain.fromJson(
                CaRole.sign(vertx, CaRole.signRequest(key.getPublic(), "example.com")).await());
        SignedChain hinted = SignedChain.fromJson(CaRole.sign(vertx,
                CaRole.signRequest(key.getPublic(), "example.com").put("notAfterEpochMs", hint)).await());

        Instant sevenDays = Instant.now().plus(Duration.ofDays(7));
        X509Certificate unhintedLeaf = Chains.parse(unhinted.chainPem()).get(0);
        assertThat(unhintedLeaf.getNotAfter().toInstant()).isBetween(sevenDays.minusSeconds(60), sevenDays);
        X509Certificate hintedLeaf = Chains.parse(hinted.chainPem()).get(0);
        assertThat(hintedLeaf.getNotAfter().getTime()).isLessThanOrEqualTo(hint).isEqualTo(hinted.notAfterEpochMs());
    }

    @Test
    void twentyConcurrentRequestsForOneKeyAndNamesCauseOneSigning(Vertx vertx) {
        JsonObject request = CaRole.signRequest(TestPki.ecKey().getPublic(), "example.com", "www.example.com");
        List<Future<JsonObject>> replies = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            replies.add(CaRole.sign(vertx, request));
        }
        Future.all(replies).await();

        assertThat(replies).extracting(reply -> reply.result().getString("chainPem")).containsOnly(
                replies.get(0).result().getString("chainPem"));
        JsonObject info = CaRole.info(vertx).await();
        assertThat(info.getLong("signed")).isEqualTo(1);
        assertThat(info.getLong("cacheHits")).isEqualTo(19);
    }

    @Test
    void repeatIsACacheHitAndOtherNamesAreANewSigning(Vertx vertx) {
        KeyPair key = TestPki.ecKey();
        JsonObject first = CaRole.sign(vertx, CaRole.signRequest(key.getPublic(), "example.com")).await();

        JsonObject repeat = CaRole.sign(vertx, CaRole.signRequest(key.getPublic(), "example.com")).await();
        JsonObject afterRepeat = CaRole.info(vertx).await();
        CaRole.sign(vertx, CaRole.signRequest(key.getPublic(), "example.org")).await();
        JsonObject afterOtherNames = CaRole.info(vertx).await();

        assertThat(repeat).isEqualTo(first);
        assertThat(afterRepeat.getLong("signed")).isEqualTo(1);
        assertThat(afterRepeat.getLong("cacheHits")).isEqualTo(1);
        assertThat(afterOtherNames.getLong("signed")).isEqualTo(2);
    }

    @Test
    void rootReplyIsTheCertificateInTheDataDirectory(Vertx vertx) throws Exception {
        CaRoot caRoot = CaRoot.fromJson(CaRole.request(vertx, Addresses.CA_ROOT, new JsonObject()).await());

        assertThat(caRoot.rootPem()).isEqualTo(Files.readString(dataDir.resolve("ca.pem")));
        assertThat(caRoot.rootPem()).doesNotContain("PRIVATE");
        assertThat(caRoot.fingerprintSha256()).isEqualTo(CaRole.info(vertx).await().getString("fingerprint"));
    }

    @Test
    void infoDescribesTheCaInForce(Vertx vertx) {
        JsonObject info = CaRole.info(vertx).await();

        assertThat(info.getString("subject")).startsWith("CN=Portcullis Root CA ");
        assertThat(info.getString("source")).isEqualTo("data-dir " + dataDir.toAbsolutePath());
        assertThat(info.getLong("notAfter")).isGreaterThan(Instant.now().plus(Duration.ofDays(3649)).toEpochMilli());
        assertThat(info.getString("caId")).isEqualTo(info.getString("fingerprint"));
        assertThat(info.containsKey("lastError")).isFalse();
    }
}
