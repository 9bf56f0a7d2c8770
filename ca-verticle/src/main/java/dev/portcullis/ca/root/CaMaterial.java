package dev.portcullis.ca.root;

import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.ca.CaRoot;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.List;

/**
 * A CA in force: its certificate chain and the private key that signs leaves.
 *
 * <p>The key never leaves this object except to the owner-only key file ({@link #key()} is package-private):
 * callers sign through {@link #newSigner()}. {@link #toString()} shows the subject and fingerprint only.
 * Instances are immutable and safe to share between threads.
 */
public final class CaMaterial {

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final String signatureAlgorithm;
    private final X500Name subject;
    private final AuthorityKeyIdentifier authorityKeyIdentifier;
    private final String id;
    private final String chainPem;
    private final CaRoot root;
    private final String source;

    /**
     * @param chain the issuing CA certificate first, then the certificates up to the root (the last); checked by
     *              {@link CaValidator} before this is called
     */
    CaMaterial(List<X509Certificate> chain, PrivateKey key, String source) throws CaLoadException {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.source = source;
        this.signatureAlgorithm = signatureAlgorithm(key);
        X509Certificate issuing = chain.get(0);
        try {
            this.subject = new JcaX509CertificateHolder(issuing).getSubject();
        } catch (CertificateEncodingException e) {
            throw CaLoadException.because("the CA certificate in " + source + " cannot be encoded", e);
        }
        this.authorityKeyIdentifier = authorityKeyIdentifier(issuing, source);
        this.id = Pem.fingerprint(issuing);
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(Pem.certificate(certificate));
        }
        this.chainPem = pem.toString();
        X509Certificate last = chain.get(chain.size() - 1);
        this.root = new CaRoot(Pem.certificate(last), Pem.fingerprint(last));
    }

    /** The certificate leaves are issued by. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The issuing certificate, then its chain up to the root. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The root clients trust: the last certificate of the chain (the issuing one when it is self-signed). */
    public CaRoot root() {
        return root;
    }

    /** SHA-256 of the issuing certificate: tells one CA from its replacement. */
    public String id() {
        return id;
    }

    /** The chain as PEM, issuing certificate first: what follows a leaf in a {@code SignedChain}. */
    public String chainPem() {
        return chainPem;
    }

    /** The issuing certificate's subject, as encoded in it: the issuer of every leaf. */
    public X500Name subject() {
        return subject;
    }

    /** The AKI every leaf carries: the CA certificate's own SKI when it has one (RFC 5280 §4.2.1.1). */
    public AuthorityKeyIdentifier authorityKeyIdentifier() {
        return authorityKeyIdentifier;
    }

    /** When the issuing certificate expires; no leaf outlives it. */
    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /** Where the CA was read from, for log lines ("key-file /etc/ca.key, cert-file /etc/ca.pem"). */
    public String source() {
        return source;
    }

    /** JCA name of the algorithm leaves are signed with ({@code SHA256withECDSA}, {@code SHA256withRSA}). */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /**
     * A signer over the CA key. Signers are not thread-safe: take one per certificate.
     *
     * @throws GatewayException {@link ErrorCode#INTERNAL}, without the underlying message, when the JCA refuses
     *                          the key
     */
    public ContentSigner newSigner() {
        try {
            return new JcaContentSignerBuilder(signatureAlgorithm).build(key);
        } catch (OperatorCreationException | RuntimeException e) {
            throw new GatewayException(ErrorCode.INTERNAL, "cannot sign with the CA key of " + source + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The private key, for writing the owner-only key file only. */
    PrivateKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "CaMaterial[" + subject + ", sha256=" + id + "]";
    }

    static String signatureAlgorithm(PrivateKey key) throws CaLoadException {
        if (key instanceof ECPrivateKey ec) {
            // Match the hash to the curve (RFC 5480 §4): P-384 with SHA-384, larger curves with SHA-512.
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if ("RSA".equals(key.getAlgorithm())) {
            return "SHA256withRSA";
        }
        throw new CaLoadException("the CA key must be EC or RSA, was " + key.getAlgorithm());
    }

    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuing, String source)
            throws CaLoadException {
        byte[] extension = issuing.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        try {
            if (extension != null) {
                byte[] ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                        .getKeyIdentifier();
                return new AuthorityKeyIdentifier(ski);
            }
            return new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuing.getPublicKey());
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            throw CaLoadException.because("the CA certificate in " + source + " has an unreadable key identifier", e);
        }
    }
}
