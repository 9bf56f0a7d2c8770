package dev.portcullis.ca;

import dev.portcullis.ca.root.DataDirCaSource;
import dev.portcullis.ca.root.Loaded;
import dev.portcullis.ca.root.Pem;
import dev.portcullis.ca.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaExportTest {

    @TempDir
    Path dir;

    @Test
    void exportOfTheDataDirIsTheGeneratedRoot() throws Exception {
        Loaded loaded = new DataDirCaSource(dir, Clock.systemUTC(), new SecureRandom()).open();

        assertThat(CaExport.rootPem(dir)).isEqualTo(loaded.material().root().rootPem());
        assertThat(CaExport.rootPem(new CaOptions().setDataDir(dir))).isEqualTo(loaded.material().root().rootPem());
    }

    @Test
    void exportNeverGenerates() {
        Path empty = dir.resolve("empty");

        assertThatThrownBy(() -> CaExport.rootPem(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("no CA certificate at " + empty.resolve("ca.pem"));
        assertThat(empty).doesNotExist();
    }

    @Test
    void exportOfAConfiguredChainIsItsLastCertificate() {
        KeyPair rootKey = TestPki.ecKey();
        X509Certificate root = TestPki.selfSignedCa("Root", rootKey, Duration.ofDays(30));
        KeyPair intermediateKey = TestPki.ecKey();
        X509Certificate intermediate = TestPki.certificate("Intermediate", intermediateKey.getPublic(), "Root",
                rootKey, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400), true);
        Path certFile = dir.resolve("chain.pem");
        TestPki.write(certFile, TestPki.pemChain(intermediate, root));

        String exported = CaExport.rootPem(new CaOptions().setKeyFile(dir.resolve("unused.key")).setCertFile(certFile));

        assertThat(exported).isEqualTo(Pem.certificate(root)).doesNotContain("PRIVATE");
    }
}
