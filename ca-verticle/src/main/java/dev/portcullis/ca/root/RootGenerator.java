package dev.portcullis.ca.root;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * Makes a new self-signed root CA: ECDSA P-256, valid 10 years, {@code CN=Portcullis Root CA <8 hex digits>} so
 * that two installations' roots are told apart in a trust store; BasicConstraints CA with pathLen 0 and KeyUsage
 * keyCertSign|cRLSign, both critical (RFC 5280 §4.2.1.9, §4.2.1.3), and a SubjectKeyIdentifier.
 */
public final class RootGenerator {

    /** How long a generated root is valid. */
    public static final Duration VALIDITY = Duration.ofDays(3650);
    /** Backdating against clients whose clocks run slow. */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private final Clock clock;
    private final SecureRandom random;

    public RootGenerator(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** @throws CaLoadException when the platform lacks P-256 or SHA256withECDSA (never on a standard JDK) */
    public CaMaterial generate(String source) throws CaLoadException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            byte[] id = new byte[4];
            random.nextBytes(id);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Portcullis")
                    .addRDN(BCStyle.CN, "Portcullis Root CA " + HexFormat.of().formatHex(id))
                    .build();
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return CaValidator.check(List.of(certificate), pair.getPrivate(), source, now);
        } catch (CaLoadException e) {
            throw e;
        } catch (Exception e) {
            throw CaLoadException.because("cannot generate a root CA", e);
        }
    }

    /** A positive serial of up to 128 random bits (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
    public static BigInteger serial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }
}
