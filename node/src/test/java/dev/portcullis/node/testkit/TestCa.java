package dev.portcullis.node.testkit;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * A certificate authority for tests: an ECDSA P-256 root that issues server leaves for given DNS names or IP
 * addresses, emitted as PEM (keys as PKCS#8 {@code BEGIN PRIVATE KEY}, RFC 5958, which Vert.x's
 * {@link PemKeyCertOptions}, curl and openssl all read whatever the key type). Also issues the broken variants
 * tests need: expired leaves and self-signed certificates that chain to nothing.
 *
 * <p>Instances are immutable and safe to share between tests.
 */
public final class TestCa {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final String certPem;
    private Path certFile;

    private TestCa(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
        this.certPem = pem("CERTIFICATE", encoded(certificate));
    }

    /**
     * Creates a root CA valid from one hour ago for ten years.
     *
     * @param commonName the CN of the root, e.g. {@code "Portcullis Test Origin CA"}
     */
    public static TestCa create(String commonName) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + commonName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))),
                subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the test CA certificate", e);
        }
        return new TestCa(commonName, keys, sign(builder, keys.getPrivate()));
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, for trust options or {@code curl --cacert}. */
    public String certPem() {
        return certPem;
    }

    /** Trust options that trust exactly this CA. */
    public PemTrustOptions trustOptions() {
        return new PemTrustOptions().addCertValue(Buffer.buffer(certPem));
    }

    /**
     * The CA certificate written to a temporary file (created on first call, deleted when the JVM exits),
     * for tools that want a path such as {@code curl --cacert}.
     */
    public synchronized Path certFile() {
        if (certFile == null) {
            try {
                certFile = Files.createTempFile("portcullis-test-ca-", ".pem");
                certFile.toFile().deleteOnExit();
                Files.writeString(certFile, certPem, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return certFile;
    }

    /**
     * Issues a server leaf valid from one hour ago for seven days.
     *
     * @param names DNS names or IPv4 literals for the SAN; the first is also the CN. At least one.
     */
    public Leaf issue(String... names) {
        Instant now = Instant.now();
        return issue(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)), names);
    }

    /**
     * Issues a client certificate (EKU clientAuth only, RFC 5280 §4.2.1.12) valid from one hour ago for seven days,
     * for servers that require client certificates.
     *
     * @param commonName its CN (and a DNS SAN)
     */
    public Leaf issueClient(String commonName) {
        Instant now = Instant.now();
        return issue(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)), KeyPurposeId.id_kp_clientAuth,
                commonName);
    }

    /** Issues a leaf that expired yesterday (valid for one day a week ago), for verification-failure tests. */
    public Leaf issueExpired(String... names) {
        Instant now = Instant.now();
        return issue(now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1)), names);
    }

    /**
     * Makes a self-signed leaf for the names that chains to no CA, for "untrusted upstream" tests.
     * Its {@link Leaf#chainPem()} is the certificate alone.
     */
    public static Leaf selfSigned(String... names) {
        requireNames(names);
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + names[0]);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))),
                subject, keys.getPublic());
        addLeafExtensions(builder, names);
        X509Certificate certificate = sign(builder, keys.getPrivate());
        String certPem = pem("CERTIFICATE", encoded(certificate));
        return new Leaf(certificate, certPem, keyPem(keys.getPrivate()), certPem);
    }

    private Leaf issue(Instant notBefore, Instant notAfter, String... names) {
        return issue(notBefore, notAfter, KeyPurposeId.id_kp_serverAuth, names);
    }

    private Leaf issue(Instant notBefore, Instant notAfter, KeyPurposeId purpose, String... names) {
        requireNames(names);
        KeyPair leafKeys = newKeyPair();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + names[0]), leafKeys.getPublic());
        addLeafExtensions(builder, purpose, names);
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a leaf of " + name, e);
        }
        X509Certificate leaf = sign(builder, keys.getPrivate());
        String leafPem = pem("CERTIFICATE", encoded(leaf));
        return new Leaf(leaf, leafPem, keyPem(leafKeys.getPrivate()), leafPem + certPem);
    }

    private static void addLeafExtensions(X509v3CertificateBuilder builder, String... names) {
        addLeafExtensions(builder, KeyPurposeId.id_kp_serverAuth, names);
    }

    private static void addLeafExtensions(X509v3CertificateBuilder builder, KeyPurposeId purpose, String... names) {
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = IPV4.matcher(names[i]).matches()
                    ? new GeneralName(GeneralName.iPAddress, names[i])
                    : new GeneralName(GeneralName.dNSName, names[i]);
        }
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {purpose}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        } catch (IOException e) {
            throw new IllegalStateException("cannot add leaf extensions", e);
        }
    }

    private static void requireNames(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("at least one name is required");
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyPem(PrivateKey key) {
        // getEncoded() of a JCA EC key is PKCS#8 already, which is what PemKeyCertOptions reads.
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * An issued server certificate.
     *
     * @param certificate the leaf
     * @param certPem     the leaf alone, PEM
     * @param keyPem      its private key, PKCS#8 PEM
     * @param chainPem    leaf followed by the issuing CA, what a server sends
     */
    public record Leaf(X509Certificate certificate, String certPem, String keyPem, String chainPem) {

        /** Key and chain as Vert.x server options. */
        public PemKeyCertOptions keyCertOptions() {
            return new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(keyPem))
                    .setCertValue(Buffer.buffer(chainPem));
        }
    }
}
