package dev.portcullis.ca;

import dev.portcullis.ca.testing.CaRole;
import dev.portcullis.ca.testing.LogCapture;
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
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The CA key never reaches a log line, a reply or an exception message, whatever happens. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class SecretsTest {

    @TempDir
    Path dir;

    /** The base64 lines of a PEM key file, each long enough to be a real leak if seen. */
    private static List<String> keyLines(Path pemFile) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(pemFile)) {
            if (!line.startsWith("-----") && line.length() >= 16) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void generationSigningAndRefusedRotationsLogNoKeyMaterial(Vertx vertx) throws Exception {
        Path dataDir = dir.resolve("data");
        List<String> secrets = new ArrayList<>();
        List<String> logged;
        List<String> replies = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            CaRole.deploy(vertx, new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", "20ms"))
                    .await();
            secrets.addAll(keyLines(dataDir.resolve("ca.key")));
            replies.add(CaRole.sign(vertx, CaRole.signRequest(TestPki.ecKey().getPublic(), "example.com")).await()
                    .encode());
            replies.add(CaRole.info(vertx).await().encode());
            // A refused rotation: a key that is not the certificate's, itself a secret that must not leak.
            KeyPair stray = TestPki.ecKey();
            TestPki.write(dataDir.resolve("ca.key"), TestPki.pkcs8Pem(stray.getPrivate()));
            secrets.add(TestPki.base64(stray.getPrivate()));
            secrets.addAll(keyLines(dataDir.resolve("ca.key")));
            replies.add(CaRole.infoWhen(vertx, info -> info.containsKey("lastError")).await().encode());
            // Garbage where the key should be.
            TestPki.write(dataDir.resolve("ca.key"),
                    "-----BEGIN PRIVATE KEY-----\nMIIBroken\n-----END PRIVATE KEY-----\n");
            replies.add(CaRole.infoWhen(vertx, info -> info.getString("lastError", "").contains("readable"))
                    .await().encode());
            logged = logs.lines();
        }

        assertThat(logged).anySatisfy(line -> assertThat(line).contains("Generated a new root CA"));
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("refused the CA"));
        assertThat(secrets).isNotEmpty();
        for (String text : concat(logged, replies)) {
            assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain("MIIBroken");
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }

    @Test
    void wrongPassphraseFailsTheStartWithoutKeyBytesOrPassphrase(Vertx vertx) throws Exception {
        KeyPair key = TestPki.ecKey();
        Path keyFile = dir.resolve("ca.key");
        Path certFile = dir.resolve("ca.pem");
        TestPki.write(keyFile, TestPki.encryptedPkcs8Pem(key.getPrivate(), "right passphrase".toCharArray()));
        TestPki.write(certFile, TestPki.pem(TestPki.selfSignedCa("CA", key, Duration.ofDays(30))));
        Files.writeString(dir.resolve("pass"), "wrong passphrase");
        Throwable failure;
        List<String> logged;
        try (LogCapture logs = new LogCapture()) {
            failure = catchThrowable(() -> CaRole.deploy(vertx, new JsonObject().put("key-file", keyFile.toString())
                    .put("cert-file", certFile.toString()).put("passphrase-file", dir.resolve("pass").toString()))
                    .await());
            logged = logs.lines();
        }

        assertThat(failure).hasMessageContaining("wrong passphrase or unsupported encryption");
        List<String> secrets = new ArrayList<>(keyLines(keyFile));
        secrets.add(TestPki.base64(key.getPrivate()));
        secrets.add("right passphrase");
        for (String text : concat(logged, List.of(failure.toString()))) {
            assertThat(text).doesNotContain("PRIVATE KEY");
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(TestPki.base64(key.getPrivate()));
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
