package dev.portcullis.ca.root;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirCaSourceTest {

    @TempDir
    Path temp;

    private DataDirCaSource source(Path dir) {
        return new DataDirCaSource(dir, Clock.systemUTC(), new SecureRandom());
    }

    @Test
    void firstOpenGeneratesAnOwnerOnlyCaIntoANewDirectory() throws Exception {
        Path dir = temp.resolve("nested/data");

        Loaded loaded = source(dir).open();

        assertThat(loaded.generated()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(loaded.material().root().rootPem());
        try (var files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.key", "ca.pem", "ca.lock");
        }
    }

    @Test
    void generatedRootIsAP256CaWithCriticalConstraintsAndKeyUsage() throws Exception {
        X509Certificate root = source(temp).open().material().certificate();

        assertThat(root.getSubjectX500Principal().getName()).matches("CN=Portcullis Root CA [0-9a-f]{8},O=Portcullis");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        root.verify(root.getPublicKey());
        assertThat(((ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(root.getBasicConstraints()).isZero();
        assertThat(root.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(
                Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        // digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign
        assertThat(root.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
        assertThat(ASN1OctetString.getInstance(root.getExtensionValue(Extension.subjectKeyIdentifier.getId())))
                .isNotNull();
        Duration validity = Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant());
        assertThat(validity).isBetween(Duration.ofDays(3650), Duration.ofDays(3651));
        assertThat(root.getSerialNumber().signum()).isPositive();
        assertThat(root.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    }

    @Test
    void secondOpenLoadsTheSameCa() throws Exception {
        Loaded first = source(temp).open();

        Loaded second = source(temp).open();

        assertThat(second.generated()).isFalse();
        assertThat(second.material().root().fingerprintSha256()).isEqualTo(first.material().root().fingerprintSha256());
        assertThat(second.digest()).isEqualTo(first.digest());
    }

    @Test
    @Timeout(20)
    void instancesOpeningAtOnceShareOneGeneratedCa() throws Exception {
        int instances = 6;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Loaded>> results = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Callable<Loaded> open = () -> {
                    start.await();
                    return source(temp).open();
                };
                results.add(pool.submit(open));
            }
            start.countDown();
            Set<String> fingerprints = new HashSet<>();
            int generated = 0;
            for (Future<Loaded> result : results) {
                Loaded loaded = result.get();
                fingerprints.add(loaded.material().root().fingerprintSha256());
                generated += loaded.generated() ? 1 : 0;
            }
            assertThat(fingerprints).hasSize(1);
            assertThat(generated).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyLeftWithoutCertificateByAnInterruptedGenerationIsReplaced() throws Exception {
        Files.writeString(temp.resolve("ca.key"), "half-written");

        Loaded loaded = source(temp).open();

        assertThat(loaded.generated()).isTrue();
        assertThat(Files.readString(temp.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void certificateWithoutItsKeyIsRefusedRatherThanOverwritten() throws Exception {
        source(temp).open();
        Files.delete(temp.resolve("ca.key"));
        String certificate = Files.readString(temp.resolve("ca.pem"));

        assertThatThrownBy(() -> source(temp).open()).isInstanceOf(CaLoadException.class)
                .hasMessageContaining("has ca.pem but no ca.key");
        assertThat(Files.readString(temp.resolve("ca.pem"))).isEqualTo(certificate);
    }

    @Test
    void reloadDoesNotGenerate() throws Exception {
        assertThatThrownBy(() -> source(temp).load()).isInstanceOf(CaLoadException.class)
                .hasMessageContaining("cannot read");
        assertThat(temp.resolve("ca.pem")).doesNotExist();
    }
}
