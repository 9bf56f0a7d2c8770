package dev.portcullis.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.ca.CaRoot;
import dev.portcullis.ca.testing.CaRole;
import dev.portcullis.ca.testing.LogCapture;
import dev.portcullis.ca.testing.TestPki;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class StartTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void severalInstancesStartingTogetherShareOneGeneratedCa(Vertx vertx) {
        Path dataDir = dir.resolve("data");
        try (LogCapture logs = new LogCapture()) {
            vertx.deployVerticle((Supplier<CaVerticle>) CaVerticle::new, new DeploymentOptions().setInstances(4)
                    .setConfig(new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", 0)))
                    .await();

            List<Future<JsonObject>> roots = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                roots.add(CaRole.request(vertx, Addresses.CA_ROOT, new JsonObject()));
            }
            Future.all(roots).await();

            assertThat(roots).extracting(root -> CaRoot.fromJson(root.result()).fingerprintSha256()).containsOnly(
                    CaRoot.fromJson(roots.get(0).result()).fingerprintSha256());
            assertThat(logs.lines()).filteredOn(line -> line.contains("Generated a new root CA")).hasSize(1);
        }
    }

    @Test
    void secondStartLoadsTheCaTheFirstGenerated(Vertx vertx) {
        JsonObject config = new JsonObject().put("data-dir", dir.toString()).put("reload-interval", 0);
        String first = CaRole.deploy(vertx, config).await();
        String fingerprint = CaRole.info(vertx).await().getString("fingerprint");
        vertx.undeploy(first).await();

        CaRole.deploy(vertx, config).await();

        assertThat(CaRole.info(vertx).await().getString("fingerprint")).isEqualTo(fingerprint);
    }

    @Test
    void pkcs12StartsWithThePassphraseFromTheNamedEnvironmentVariable(Vertx vertx) {
        KeyPair key = TestPki.ecKey();
        X509Certificate certificate = TestPki.selfSignedCa("Keystore CA", key, Duration.ofDays(30));
        Path store = dir.resolve("ca.p12");
        TestPki.writePkcs12(store, "ca", key.getPrivate(), PASSPHRASE.toCharArray(), certificate);

        CaRole.deploy(vertx, new JsonObject().put("keystore", store.toString()).put("passphrase-env", "CA_PASS"),
                Map.of("CA_PASS", PASSPHRASE)).await();

        assertThat(CaRole.info(vertx).await().getString("subject")).isEqualTo("CN=Keystore CA");
    }

    @Test
    void encryptedPkcs8StartsWithThePassphraseFromAFile(Vertx vertx) throws Exception {
        KeyPair key = TestPki.ecKey();
        Path keyFile = dir.resolve("ca.key");
        Path certFile = dir.resolve("ca.pem");
        Path passphraseFile = dir.resolve("pass");
        TestPki.write(keyFile, TestPki.encryptedPkcs8Pem(key.getPrivate(), PASSPHRASE.toCharArray()));
        TestPki.write(certFile, TestPki.pem(TestPki.selfSignedCa("Encrypted CA", key, Duration.ofDays(30))));
        Files.writeString(passphraseFile, PASSPHRASE + "\n");

        CaRole.deploy(vertx, new JsonObject().put("key-file", keyFile.toString()).put("cert-file", certFile.toString())
                .put("passphrase-file", passphraseFile.toString())).await();

        assertThat(CaRole.info(vertx).await().getString("subject")).isEqualTo("CN=Encrypted CA");
    }

    @Test
    void passphraseInTheConfigurationFailsTheStart(Vertx vertx) {
        Throwable failure = catchThrowable(() -> CaRole.deploy(vertx, new JsonObject().put("keystore", "ca.p12")
                .put("passphrase", PASSPHRASE)).await());

        assertThat(failure)
                .hasMessageStartingWith("invalid configuration: ca.passphrase: must not be written in the configuration")
                .hasMessageNotContaining(PASSPHRASE);
    }

    @Test
    void missingCaFilesFailTheStartNamingTheFile(Vertx vertx) {
        Path absent = dir.resolve("absent.pem");

        Throwable failure = catchThrowable(() -> CaRole.deploy(vertx, new JsonObject()
                .put("key-file", absent.toString()).put("cert-file", absent.toString())).await());

        assertThat(failure).hasMessage("ca: cannot read " + absent + " (NoSuchFileException)");
    }
}
