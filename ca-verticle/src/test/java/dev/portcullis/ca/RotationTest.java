package dev.portcullis.ca;

import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.ca.root.Pem;
import dev.portcullis.ca.testing.Announcements;
import dev.portcullis.ca.testing.CaRole;
import dev.portcullis.ca.testing.Chains;
import dev.portcullis.ca.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class RotationTest {

    @TempDir
    Path dir;

    /** Writes a new CA over the pair, each file swapped in whole as an operator's {@code mv} would. */
    private X509Certificate replaceCa(Path keyFile, Path certFile, String name) throws Exception {
        KeyPair key = TestPki.ecKey();
        X509Certificate certificate = TestPki.selfSignedCa(name, key, Duration.ofDays(90));
        Path keyTemp = dir.resolve("key.tmp");
        Path certTemp = dir.resolve("cert.tmp");
        TestPki.write(keyTemp, TestPki.pkcs8Pem(key.getPrivate()));
        TestPki.write(certTemp, TestPki.pem(certificate));
        Files.move(keyTemp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        Files.move(certTemp, certFile, StandardCopyOption.ATOMIC_MOVE);
        return certificate;
    }

    @Test
    void replacedDataDirCaIsAnnouncedThenUsedWithAClearedCache(Vertx vertx) throws Exception {
        Path dataDir = dir.resolve("data");
        Announcements announcements = Announcements.listen(vertx);
        CaRole.deploy(vertx, new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", "50ms"))
                .await();
        X509Certificate oldRoot = Chains.parse(Files.readString(dataDir.resolve("ca.pem"))).get(0);
        JsonObject request = CaRole.signRequest(TestPki.ecKey().getPublic(), "example.com");
        CaRole.sign(vertx, request).await();
        assertThat(CaRole.info(vertx).await().getLong("cached")).isEqualTo(1);

        X509Certificate newRoot = replaceCa(dataDir.resolve("ca.key"), dataDir.resolve("ca.pem"), "Rotated CA");
        String newFingerprint = Pem.fingerprint(newRoot);
        announcements.of(newFingerprint).await();

        JsonObject afterRotation = CaRole.info(vertx).await();
        assertThat(afterRotation.getString("fingerprint")).isEqualTo(newFingerprint);
        assertThat(afterRotation.getLong("cached")).isZero();
        SignedChain after = SignedChain.fromJson(CaRole.sign(vertx, request).await());
        List<X509Certificate> chain = Chains.parse(after.chainPem());
        Chains.validateAsServer(chain, newRoot);
        assertThatThrownBy(() -> Chains.validateAsServer(chain, oldRoot)).isInstanceOf(CertificateException.class);
        assertThat(after.caFingerprint()).isEqualTo(newFingerprint);
        assertThat(CaRole.info(vertx).await().getLong("signed")).isEqualTo(2);
    }

    @Test
    void replacedPemPairIsAnnounced(Vertx vertx) throws Exception {
        KeyPair key = TestPki.ecKey();
        Path keyFile = dir.resolve("ca.key");
        Path certFile = dir.resolve("ca.pem");
        TestPki.write(keyFile, TestPki.pkcs8Pem(key.getPrivate()));
        TestPki.write(certFile, TestPki.pem(TestPki.selfSignedCa("First CA", key, Duration.ofDays(90))));
        Announcements announcements = Announcements.listen(vertx);
        CaRole.deploy(vertx, new JsonObject().put("key-file", keyFile.toString()).put("cert-file", certFile.toString())
                .put("reload-interval", "50ms")).await();

        String newFingerprint = Pem.fingerprint(replaceCa(keyFile, certFile, "Second CA"));

        announcements.of(newFingerprint).await();
        assertThat(CaRole.info(vertx).await().getString("subject")).isEqualTo("CN=Second CA");
    }

    @Test
    void brokenReplacementIsRefusedAndTheOldCaKeepsSigning(Vertx vertx) throws Exception {
        Path dataDir = dir.resolve("data");
        Announcements announcements = Announcements.listen(vertx);
        CaRole.deploy(vertx, new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", "50ms"))
                .await();
        String fingerprint = CaRole.info(vertx).await().getString("fingerprint");

        // A key that is not the certificate's: a half-done rotation.
        TestPki.write(dataDir.resolve("ca.key"), TestPki.pkcs8Pem(TestPki.ecKey().getPrivate()));
        JsonObject refused = CaRole.infoWhen(vertx, info -> info.containsKey("lastError")).await();

        assertThat(refused.getString("lastError")).contains("does not belong to the CA certificate");
        assertThat(refused.getString("fingerprint")).isEqualTo(fingerprint);
        SignedChain signed = SignedChain.fromJson(
                CaRole.sign(vertx, CaRole.signRequest(TestPki.ecKey().getPublic(), "example.com")).await());
        assertThat(signed.caFingerprint()).isEqualTo(fingerprint);
        assertThat(announcements.roots()).extracting(root -> root.fingerprintSha256()).containsOnly(fingerprint);
    }
}
