package dev.portcullis.ca.issue;

import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.ca.root.CaMaterial;
import dev.portcullis.ca.root.CaValidator;
import dev.portcullis.ca.root.RootGenerator;
import dev.portcullis.ca.testing.Chains;
import dev.portcullis.ca.testing.TestPki;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeafBuilderTest {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static CaMaterial ca;
    private final LeafBuilder builder =
            new LeafBuilder(new LeafValidity(Duration.ofDays(7), Clock.systemUTC()), new SecureRandom());

    @BeforeAll
    static void makeCa() throws Exception {
        ca = new RootGenerator(Clock.systemUTC(), new SecureRandom()).generate("test");
    }

    private static X509Certificate leafOf(SignedChain chain) {
        return Chains.parse(chain.chainPem()).get(0);
    }

    @Test
    void leafNamesEveryHostAndIpInItsSubjectAlternativeNames() throws Exception {
        KeyPair key = TestPki.ecKey();

        X509Certificate leaf = leafOf(builder.sign(ca,
                List.of("example.com", "www.example.com", "192.0.2.1", "2001:db8::1"),
                key.getPublic().getEncoded(), 0));

        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=example.com");
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
                List.of(2, "example.com"), List.of(2, "www.example.com"), List.of(7, "192.0.2.1"),
                List.of(7, "2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void leafIsAServerCertificateThatIsNotACa() throws Exception {
        X509Certificate leaf = leafOf(builder.sign(ca, List.of("example.com"),
                TestPki.ecKey().getPublic().getEncoded(), 0));

        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(leaf.getKeyUsage()).startsWith(true, false, false, false, false, false, false);
        assertThat(leaf.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(
                Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(leaf.getSerialNumber().signum()).isPositive();
        assertThat(leaf.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    }

    @Test
    void chainValidatesAgainstTheRootAloneAndCarriesTheSentKey() throws Exception {
        KeyPair key = TestPki.ecKey();

        SignedChain signed = builder.sign(ca, List.of("example.com"), key.getPublic().getEncoded(), 0);

        List<X509Certificate> chain = Chains.parse(signed.chainPem());
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca.certificate());
        chain.get(0).verify(ca.certificate().getPublicKey());
        Chains.validateAsServer(chain, ca.certificate());
        assertThat(chain.get(0).getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
        assertThat(signed.caFingerprint()).isEqualTo(ca.root().fingerprintSha256());
        assertThat(signed.notAfterEpochMs()).isEqualTo(chain.get(0).getNotAfter().getTime());
    }

    @Test
    void leafFromAnotherCaDoesNotValidate() throws Exception {
        CaMaterial other = new RootGenerator(Clock.systemUTC(), new SecureRandom()).generate("other");
        List<X509Certificate> chain = Chains.parse(
                builder.sign(other, List.of("example.com"), TestPki.ecKey().getPublic().getEncoded(), 0).chainPem());

        assertThatThrownBy(() -> Chains.validateAsServer(chain, ca.certificate()))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void authorityKeyIdentifierIsTheCaSubjectKeyIdentifier() throws Exception {
        KeyPair caKey = TestPki.ecKey();
        X509Certificate caCertificate = TestPki.selfSignedCa("Other CA", caKey, Duration.ofDays(30));
        CaMaterial material = CaValidator.check(List.of(caCertificate), caKey.getPrivate(), "test", Instant.now());

        X509Certificate leaf = leafOf(builder.sign(material, List.of("example.com"),
                TestPki.ecKey().getPublic().getEncoded(), 0));

        byte[] ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                caCertificate.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets())
                .getKeyIdentifier();
        byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                leaf.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
        assertThat(aki).isEqualTo(ski);
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(caCertificate.getSubjectX500Principal());
    }

    @Test
    void nameTooLongForACommonNameLeavesTheSubjectEmptyAndTheSanCritical() throws Exception {
        String longName = "a".repeat(60) + ".example.com";

        X509Certificate leaf = leafOf(builder.sign(ca, List.of(longName), TestPki.ecKey().getPublic().getEncoded(), 0));

        assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
        assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.subjectAlternativeName.getId());
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, longName));
    }

    @Test
    void rsaLeafMayAlsoEncipherKeys() throws Exception {
        X509Certificate leaf = leafOf(builder.sign(ca, List.of("example.com"),
                TestPki.rsaKey(2048).getPublic().getEncoded(), 0));

        assertThat(leaf.getKeyUsage()).startsWith(true, false, true);
    }

    @Test
    void repeatedNamesAppearOnce() throws Exception {
        X509Certificate leaf = leafOf(builder.sign(ca, List.of("example.com", "example.com"),
                TestPki.ecKey().getPublic().getEncoded(), 0));

        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1);
    }

    @Test
    void twoLeavesForOneKeyHaveDifferentSerials() throws Exception {
        byte[] key = TestPki.ecKey().getPublic().getEncoded();

        X509Certificate first = leafOf(builder.sign(ca, List.of("example.com"), key, 0));
        X509Certificate second = leafOf(builder.sign(ca, List.of("example.com"), key, 0));

        assertThat(first.getSerialNumber()).isNotEqualTo(second.getSerialNumber());
    }
}
