package dev.portcullis.ca.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Keys, CA certificates and CA files made on the spot, independently of the code under test. */
public final class TestPki {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Provider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIALS = new AtomicLong(1000);

    private TestPki() {
    }

    public static KeyPair ecKey() {
        return ecKey("secp256r1");
    }

    public static KeyPair ecKey(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKey(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA certificate valid from an hour ago for {@code validity}. */
    public static X509Certificate selfSignedCa(String commonName, KeyPair key, Duration validity) {
        return certificate(commonName, key.getPublic(), commonName, key, Instant.now().minusSeconds(3600),
                Instant.now().plus(validity), true);
    }

    /** A certificate for {@code subjectKey} issued by {@code issuer} (a CA when {@code ca}). */
    public static X509Certificate certificate(String subject, java.security.PublicKey subjectKey, String issuer,
                                              KeyPair issuerKey, Instant notBefore, Instant notAfter,
                                              boolean ca) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    new X500Name("CN=" + subject), subjectKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                        .addExtension(Extension.keyUsage, true,
                                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            }
            String algorithm = issuerKey.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA"
                    : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** OpenSSL's traditional {@code EC PRIVATE KEY} (SEC1, RFC 5915), the curve named inside as openssl writes it. */
    public static String sec1Pem(java.security.interfaces.ECPrivateKey key) {
        try {
            var parameters = PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm().getParameters();
            byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), parameters).getEncoded();
            return pem(new PemObject("EC PRIVATE KEY", der));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 {@code PRIVATE KEY} PEM. */
    public static String pkcs8Pem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, PBES2 AES-256-CBC), as {@code openssl pkcs8 -topk8} writes. */
    public static String encryptedPkcs8Pem(PrivateKey key, char[] passphrase) {
        try {
            JceOpenSSLPKCS8EncryptorBuilder encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(BC).setRandom(RANDOM).setPassword(passphrase);
            return pem(new JcaPKCS8Generator(key, encryptor.build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 file with one key entry. */
    public static void writePkcs12(Path file, String alias, PrivateKey key, char[] passphrase,
                                   X509Certificate... chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, passphrase, chain);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, passphrase);
            Files.write(file, out.toByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base64 body of a key's encoding, as it would appear in a PEM file or a careless log line. */
    public static String base64(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Returns {@code chain} as one PEM text. */
    public static String pemChain(Certificate... chain) {
        StringBuilder text = new StringBuilder();
        for (Certificate certificate : chain) {
            text.append(pem(certificate));
        }
        return text.toString();
    }
}
