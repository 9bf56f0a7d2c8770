package dev.portcullis.ca.issue;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.ca.SignedChain;
import dev.portcullis.api.host.HostName;
import dev.portcullis.ca.root.CaMaterial;
import dev.portcullis.ca.root.Pem;
import dev.portcullis.ca.root.RootGenerator;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds and signs one leaf for a proxy's public key: issuer = the CA's subject, CN = the first name (when it fits
 * the 64-character bound of RFC 5280 Appendix A), SAN = every name (dNSName, or iPAddress for IP literals),
 * BasicConstraints cA=false, KeyUsage digitalSignature, EKU serverAuth, SKI and AKI, a random positive 128-bit
 * serial. Thread-safe; takes about a millisecond or two, so it runs off the event loop.
 */
public final class LeafBuilder {

    /** RFC 5280 Appendix A, ub-common-name. */
    static final int MAX_COMMON_NAME = 64;

    private final LeafValidity validity;
    private final SecureRandom random;
    private final JcaX509ExtensionUtils extensions;

    public LeafBuilder(LeafValidity validity, SecureRandom random) {
        this.validity = validity;
        this.random = random;
        try {
            this.extensions = new JcaX509ExtensionUtils();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 (for key identifiers) is required of every Java platform", e);
        }
    }

    /**
     * @param names          normalised host names or IP literals, the first being the CN
     * @param publicKey      the leaf's SubjectPublicKeyInfo, DER
     * @param notAfterHintMs the caller's latest wanted expiry, or 0
     * @return the leaf then the CA chain, PEM, with the root's fingerprint and the leaf's expiry
     * @throws IllegalArgumentException for a refused key, name or hint (the caller answers BAD_REQUEST)
     * @throws GatewayException         {@link ErrorCode#INTERNAL} when the CA cannot sign
     */
    public SignedChain sign(CaMaterial ca, List<String> names, byte[] publicKey, long notAfterHintMs) {
        SubjectPublicKeyInfo key = LeafPublicKeys.parse(publicKey);
        GeneralNames alternativeNames = alternativeNames(names);
        LeafValidity.Window window = validity.window(ca.notAfter(), notAfterHintMs);
        String first = names.get(0);
        boolean withCommonName = first.length() <= MAX_COMMON_NAME;
        X500Name subject = withCommonName
                ? new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, first).build()
                : new X500Name(new RDN[0]);
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(ca.subject(), RootGenerator.serial(random),
                Date.from(window.notBefore()), Date.from(window.notAfter()), subject, key);
        ContentSigner signer = ca.newSigner();
        byte[] der;
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, keyUsage(key))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    // An empty subject makes the SAN the only identity, so it must be critical (RFC 5280 §4.2.1.6).
                    .addExtension(Extension.subjectAlternativeName, !withCommonName, alternativeNames)
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, ca.authorityKeyIdentifier());
            der = builder.build(signer).getEncoded();
        } catch (IOException | RuntimeException e) {
            // Reported by class name only: the text of a signing failure is not ours to vouch for.
            throw new GatewayException(ErrorCode.INTERNAL, "cannot sign the leaf (" + e.getClass().getSimpleName()
                    + ")");
        }
        return new SignedChain(Pem.certificate(der) + ca.chainPem(), ca.root().fingerprintSha256(),
                window.notAfter().toEpochMilli());
    }

    private static GeneralNames alternativeNames(List<String> names) {
        Set<String> unique = new LinkedHashSet<>(names);
        GeneralName[] entries = new GeneralName[unique.size()];
        int i = 0;
        for (String name : unique) {
            HostName host = HostName.parse(name);
            entries[i++] = host.isIp()
                    ? new GeneralName(GeneralName.iPAddress, host.value())
                    : new GeneralName(GeneralName.dNSName, host.value());
        }
        return new GeneralNames(entries);
    }

    private static KeyUsage keyUsage(SubjectPublicKeyInfo key) {
        // TLS 1.2 RSA key exchange encrypts to the leaf key: clients check keyEncipherment for it (RFC 5246 §7.4.2).
        return PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm())
                ? new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                : new KeyUsage(KeyUsage.digitalSignature);
    }
}
