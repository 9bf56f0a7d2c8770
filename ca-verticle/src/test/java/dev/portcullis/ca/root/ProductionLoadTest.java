package dev.portcullis.ca.root;

import dev.portcullis.ca.testing.LogCapture;
import dev.portcullis.ca.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProductionLoadTest {

    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    private static KeyPair caKey;
    private static X509Certificate caCertificate;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() {
        caKey = TestPki.ecKey();
        caCertificate = TestPki.selfSignedCa("Production CA", caKey, Duration.ofDays(365));
    }

    private PemCaSource pem(Path key, Path cert, PassphraseSource passphrase) {
        return new PemCaSource(key, cert, passphrase, Clock.systemUTC());
    }

    private Path file(String name, String text) {
        Path file = dir.resolve(name);
        TestPki.write(file, text);
        return file;
    }

    @Test
    void pemPairLoads() throws Exception {
        Path key = file("ca.key", TestPki.pkcs8Pem(caKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));

        CaMaterial ca = pem(key, cert, PassphraseSource.none()).load().material();

        assertThat(ca.certificate()).isEqualTo(caCertificate);
        assertThat(ca.root().fingerprintSha256()).isEqualTo(ca.id()).hasSize(64);
        assertThat(ca.signatureAlgorithm()).isEqualTo("SHA256withECDSA");
        assertThat(ca.source()).contains("cert-file " + cert).contains("key-file " + key);
    }

    @Test
    void traditionalSec1KeyLoads() throws Exception {
        Path key = file("ca.key", TestPki.sec1Pem((java.security.interfaces.ECPrivateKey) caKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));

        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(pem(key, cert, PassphraseSource.none()).load().material().certificate()).isEqualTo(caCertificate);
    }

    @Test
    void encryptedPkcs8KeyLoadsWithThePassphraseFromAFile() throws Exception {
        Path key = file("ca.key", TestPki.encryptedPkcs8Pem(caKey.getPrivate(), PASSPHRASE));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));
        Path passphrase = file("pass", new String(PASSPHRASE) + "\n");

        CaMaterial ca = pem(key, cert, PassphraseSource.fromFile(passphrase)).load().material();

        assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(ca.certificate()).isEqualTo(caCertificate);
    }

    @Test
    void wrongPassphraseIsReportedWithoutKeyBytesPassphraseOrCause() {
        Path key = file("ca.key", TestPki.encryptedPkcs8Pem(caKey.getPrivate(), PASSPHRASE));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));
        Path passphrase = file("pass", "wrong passphrase");

        assertThatThrownBy(() -> pem(key, cert, PassphraseSource.fromFile(passphrase)).load())
                .isInstanceOf(CaLoadException.class)
                .hasMessageStartingWith("cannot decrypt key-file " + key + " with passphrase-file " + passphrase)
                .hasMessageNotContaining(TestPki.base64(caKey.getPrivate()).substring(0, 24))
                .hasMessageNotContaining("wrong passphrase\"")
                .hasMessageNotContaining("PRIVATE KEY")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    @Test
    void encryptedKeyWithoutAPassphraseSaysHowToGiveOne() {
        Path key = file("ca.key", TestPki.encryptedPkcs8Pem(caKey.getPrivate(), PASSPHRASE));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));

        assertThatThrownBy(() -> pem(key, cert, PassphraseSource.none()).load())
                .hasMessage("key-file " + key + " is encrypted: set passphrase-env or passphrase-file");
    }

    @Test
    void pkcs12LoadsWithThePassphraseFromTheEnvironment() throws Exception {
        Path store = dir.resolve("ca.p12");
        TestPki.writePkcs12(store, "portcullis", caKey.getPrivate(), PASSPHRASE, caCertificate);
        PassphraseSource passphrase = PassphraseSource.fromEnv("CA_PASS",
                Map.of("CA_PASS", new String(PASSPHRASE))::get);

        CaMaterial ca = new KeystoreCaSource(store, null, passphrase, Clock.systemUTC()).load().material();

        assertThat(ca.certificate()).isEqualTo(caCertificate);
        assertThat(new KeystoreCaSource(store, "Portcullis", passphrase, Clock.systemUTC()).load().material().id())
                .isEqualTo(ca.id());
    }

    @Test
    void pkcs12WithAWrongPassphraseOrAliasIsRefusedByName() {
        Path store = dir.resolve("ca.p12");
        TestPki.writePkcs12(store, "portcullis", caKey.getPrivate(), PASSPHRASE, caCertificate);
        PassphraseSource right = PassphraseSource.fromEnv("CA_PASS", Map.of("CA_PASS", new String(PASSPHRASE))::get);
        PassphraseSource wrong = PassphraseSource.fromEnv("CA_PASS", Map.of("CA_PASS", "nope")::get);

        assertThatThrownBy(() -> new KeystoreCaSource(store, null, wrong, Clock.systemUTC()).load())
                .hasMessageStartingWith("cannot open keystore " + store + " with passphrase-env CA_PASS")
                .hasNoCause();
        assertThatThrownBy(() -> new KeystoreCaSource(store, "other", right, Clock.systemUTC()).load())
                .hasMessage("keystore " + store + " has no key entry 'other' (key entries: [portcullis])");
    }

    @Test
    void chainFileMakesItsLastCertificateTheRoot() throws Exception {
        KeyPair intermediateKey = TestPki.ecKey();
        X509Certificate intermediate = TestPki.certificate("Intermediate", intermediateKey.getPublic(),
                "Production CA", caKey, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400), true);
        Path key = file("ca.key", TestPki.pkcs8Pem(intermediateKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pemChain(intermediate, caCertificate));

        CaMaterial ca = pem(key, cert, PassphraseSource.none()).load().material();

        assertThat(ca.certificate()).isEqualTo(intermediate);
        assertThat(ca.root().rootPem()).isEqualTo(Pem.certificate(caCertificate));
        assertThat(ca.id()).isNotEqualTo(ca.root().fingerprintSha256());
        assertThat(ca.chain()).containsExactly(intermediate, caCertificate);
    }

    @Test
    void rsaCaSignsWithSha256WithRsa() throws Exception {
        KeyPair rsa = TestPki.rsaKey(2048);
        Path key = file("ca.key", TestPki.pkcs8Pem(rsa.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(TestPki.selfSignedCa("RSA CA", rsa, Duration.ofDays(30))));

        assertThat(pem(key, cert, PassphraseSource.none()).load().material().signatureAlgorithm())
                .isEqualTo("SHA256withRSA");
    }

    @Test
    void keyOfAnotherCertificateIsRefused() {
        Path key = file("ca.key", TestPki.pkcs8Pem(TestPki.ecKey().getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));

        assertThatThrownBy(() -> pem(key, cert, PassphraseSource.none()).load())
                .hasMessageContaining("does not belong to the CA certificate 'CN=Production CA'");
    }

    @Test
    void certificateThatIsNotACaIsRefused() {
        KeyPair leafKey = TestPki.ecKey();
        X509Certificate leaf = TestPki.certificate("server", leafKey.getPublic(), "Production CA", caKey,
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), false);
        Path key = file("ca.key", TestPki.pkcs8Pem(leafKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(leaf));

        assertThatThrownBy(() -> pem(key, cert, PassphraseSource.none()).load())
                .hasMessageContaining("is not a CA certificate");
    }

    @Test
    void expiredCaIsRefused() {
        KeyPair key = TestPki.ecKey();
        X509Certificate expired = TestPki.certificate("Old CA", key.getPublic(), "Old CA", key,
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600), true);
        Path keyFile = file("ca.key", TestPki.pkcs8Pem(key.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(expired));

        assertThatThrownBy(() -> pem(keyFile, cert, PassphraseSource.none()).load())
                .hasMessageContaining("CA certificate 'CN=Old CA' in").hasMessageContaining("expired on");
    }

    @Test
    void certificateFileWithoutACertificateIsRefused() {
        Path key = file("ca.key", TestPki.pkcs8Pem(caKey.getPrivate()));

        assertThatThrownBy(() -> pem(key, key, PassphraseSource.none()).load())
                .hasMessage("cert-file " + key + " holds no PEM certificate");
    }

    @Test
    void keyFileOpenToOtherUsersIsWarnedAboutAtOpen() throws Exception {
        Path key = file("ca.key", TestPki.pkcs8Pem(caKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        try (LogCapture logs = new LogCapture()) {
            pem(key, cert, PassphraseSource.none()).open();

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN")
                    .contains(key + " is rw-r--r--: other users may read or write it"));
        }
    }

    @Test
    void materialNeverShowsItsKey() throws Exception {
        Path key = file("ca.key", TestPki.pkcs8Pem(caKey.getPrivate()));
        Path cert = file("ca.pem", TestPki.pem(caCertificate));

        Loaded loaded = pem(key, cert, PassphraseSource.none()).load();

        assertThat(loaded.material().toString()).startsWith("CaMaterial[CN=Production CA, sha256=")
                .doesNotContain(TestPki.base64(caKey.getPrivate()));
        assertThat(loaded.toString()).doesNotContain(TestPki.base64(caKey.getPrivate()));
    }
}
