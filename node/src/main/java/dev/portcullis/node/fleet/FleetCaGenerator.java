package dev.portcullis.node.fleet;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * Makes the fleet's credentials with BouncyCastle, all ECDSA P-256 / SHA256withECDSA:
 * <ul>
 *   <li>a fleet CA, {@code CN=Portcullis Fleet CA <8 hex>}, BasicConstraints CA pathLen 0 and KeyUsage
 *       keyCertSign|cRLSign, both critical (RFC 5280 §4.2.1.9, §4.2.1.3);</li>
 *   <li>node certificates signed by it: not a CA, KeyUsage digitalSignature, ExtendedKeyUsage serverAuth
 *       <em>and</em> clientAuth (every member is a TLS server for some peers and a client of others, RFC 5280
 *       §4.2.1.12) and a SubjectAlternativeName with the node's cluster IP address.</li>
 * </ul>
 */
public final class FleetCaGenerator {

    /** How long a generated fleet CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How long a generated node certificate is valid; a node reissues its own from the CA before it ends. */
    public static final Duration NODE_VALIDITY = Duration.ofDays(397);
    /** Backdating against members whose clocks run slow. */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private final Clock clock;
    private final SecureRandom random;

    public FleetCaGenerator(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /** A new self-signed fleet CA. */
    public Issued fleetCa() {
        try {
            KeyPair pair = keyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Portcullis")
                    .addRDN(BCStyle.CN, "Portcullis Fleet CA " + randomHex())
                    .build();
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            return new Issued(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a fleet CA: " + e, e);
        }
    }

    /**
     * A node certificate signed by {@code ca}, for a member whose cluster address is {@code ip}.
     *
     * @param ip the IP address the node binds on the cluster (a literal, as {@code cluster.host} must be)
     */
    public Issued node(Issued ca, String ip) {
        try {
            KeyPair pair = keyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "Portcullis")
                    .addRDN(BCStyle.CN, "portcullis-node " + randomHex())
                    .build();
            Instant now = clock.instant();
            Instant notAfter = now.plus(NODE_VALIDITY);
            if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
                notAfter = ca.certificate().getNotAfter().toInstant();
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(ca.certificate()));
            return new Issued(sign(builder, ca.key()), pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a fleet node certificate: " + e, e);
        }
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private String randomHex() {
        byte[] id = new byte[4];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** A positive serial of up to 128 random bits (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
    private BigInteger serial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }
}
