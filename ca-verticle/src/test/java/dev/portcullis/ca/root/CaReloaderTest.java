package dev.portcullis.ca.root;

import dev.portcullis.ca.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaReloaderTest {

    @TempDir
    Path dir;

    private void writeCa(String name) {
        KeyPair key = TestPki.ecKey();
        TestPki.write(dir.resolve("ca.key"), TestPki.pkcs8Pem(key.getPrivate()));
        TestPki.write(dir.resolve("ca.pem"), TestPki.pem(TestPki.selfSignedCa(name, key, Duration.ofDays(30))));
    }

    private PemCaSource source() {
        return new PemCaSource(dir.resolve("ca.key"), dir.resolve("ca.pem"), PassphraseSource.none(),
                Clock.systemUTC());
    }

    @Test
    void unchangedFilesReportNothing() throws Exception {
        writeCa("First");
        CaReloader reloader = new CaReloader(source(), source().load());

        assertThat(reloader.check()).isEmpty();
    }

    @Test
    void replacedFilesBringTheNewCa() throws Exception {
        writeCa("First");
        CaReloader reloader = new CaReloader(source(), source().load());
        writeCa("Second");

        assertThat(reloader.check()).hasValueSatisfying(loaded ->
                assertThat(loaded.material().certificate().getSubjectX500Principal().getName())
                        .isEqualTo("CN=Second"));
        assertThat(reloader.check()).isEmpty();
    }

    @Test
    void brokenReplacementIsReportedOnceThenTheNextGoodOneLoads() throws Exception {
        writeCa("First");
        CaReloader reloader = new CaReloader(source(), source().load());
        TestPki.write(dir.resolve("ca.key"), TestPki.pkcs8Pem(TestPki.ecKey().getPrivate()));

        assertThatThrownBy(reloader::check).hasMessageContaining("does not belong to the CA certificate");
        assertThat(reloader.check()).isEmpty();

        writeCa("Third");
        assertThat(reloader.check()).isPresent();
    }

    @Test
    void missingFileIsReportedOnceWhileItStaysMissing() throws Exception {
        writeCa("First");
        CaReloader reloader = new CaReloader(source(), source().load());
        Files.delete(dir.resolve("ca.key"));

        assertThatThrownBy(reloader::check).hasMessageContaining("cannot read");
        assertThat(reloader.check()).isEmpty();
    }
}
