package dev.portcullis.ca.issue;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.util.Arrays;

/**
 * Checks the public key a proxy sends for its leaf: a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holding an EC
 * key on P-256 or an RSA key of 2048 to 16384 bits. Anything else would give clients a leaf they refuse or one
 * that costs them too much to verify.
 */
public final class LeafPublicKeys {

    /** The smallest RSA modulus accepted (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;
    /** The largest RSA modulus accepted: bounds what one leaf costs a client to use. */
    public static final int MAX_RSA_BITS = 16384;

    private static final String ACCEPTED = "EC P-256 or RSA of at least " + MIN_RSA_BITS + " bits";

    private LeafPublicKeys() {
    }

    /**
     * @param der the SubjectPublicKeyInfo as received
     * @return the parsed key info
     * @throws IllegalArgumentException naming {@code publicKey} when it is not canonical DER, is of another type or
     *                                  curve, is too small, or is not a point on the curve
     */
    public static SubjectPublicKeyInfo parse(byte[] der) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
            // Canonical DER only: two encodings of one key would be two cache keys and two leaves.
            if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), der)) {
                throw new IllegalArgumentException("publicKey is not DER");
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("publicKey must be a DER SubjectPublicKeyInfo");
        }
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            checkEc(info);
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            checkRsa(info);
        } else {
            throw new IllegalArgumentException("publicKey must be " + ACCEPTED + ", was algorithm " + algorithm);
        }
        return info;
    }

    private static void checkEc(SubjectPublicKeyInfo info) {
        ASN1Encodable parameters = info.getAlgorithm().getParameters();
        if (!SECObjectIdentifiers.secp256r1.equals(parameters)) {
            throw new IllegalArgumentException("publicKey must be " + ACCEPTED + ", was EC with parameters "
                    + parameters);
        }
        try {
            // decodePoint refuses points off the curve.
            ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1).getCurve()
                    .decodePoint(info.getPublicKeyData().getOctets());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("publicKey is not a valid P-256 point");
        }
    }

    private static void checkRsa(SubjectPublicKeyInfo info) {
        int bits;
        try {
            bits = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("publicKey is not a valid RSA key");
        }
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw new IllegalArgumentException("publicKey RSA modulus must be " + MIN_RSA_BITS + "-" + MAX_RSA_BITS
                    + " bits, was " + bits);
        }
    }
}
