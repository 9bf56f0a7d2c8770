package dev.portcullis.ca.root;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Refuses a CA that cannot issue leaves clients will accept: not a CA certificate, outside its validity, a key
 * that is not the certificate's, an algorithm we do not sign with. Runs on every load, so a broken rotation is
 * refused while the previous CA stays in force.
 */
public final class CaValidator {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CaValidator() {
    }

    /**
     * @param chain  the issuing CA certificate first, then its chain
     * @param source names the files in messages
     * @return the checked CA
     * @throws CaLoadException saying what is wrong; never with key material in the message
     */
    public static CaMaterial check(List<X509Certificate> chain, PrivateKey key, String source, Instant now)
            throws CaLoadException {
        if (chain.isEmpty()) {
            throw new CaLoadException(source + " holds no CA certificate");
        }
        X509Certificate issuing = chain.get(0);
        String subject = issuing.getSubjectX500Principal().getName();
        if (issuing.getBasicConstraints() < 0) {
            throw new CaLoadException("the certificate '" + subject + "' in " + source
                    + " is not a CA certificate (BasicConstraints cA is not true)");
        }
        boolean[] keyUsage = issuing.getKeyUsage();
        if (keyUsage != null && (keyUsage.length < 6 || !keyUsage[5])) {
            throw new CaLoadException("the certificate '" + subject + "' in " + source
                    + " may not sign certificates (KeyUsage lacks keyCertSign)");
        }
        if (now.isAfter(issuing.getNotAfter().toInstant())) {
            throw new CaLoadException("the CA certificate '" + subject + "' in " + source + " expired on "
                    + issuing.getNotAfter().toInstant());
        }
        if (now.isBefore(issuing.getNotBefore().toInstant())) {
            throw new CaLoadException("the CA certificate '" + subject + "' in " + source
                    + " is not valid before " + issuing.getNotBefore().toInstant());
        }
        String algorithm = CaMaterial.signatureAlgorithm(key);
        if (!key.getAlgorithm().equals(issuing.getPublicKey().getAlgorithm())
                || !signatureVerifies(algorithm, key, issuing, source)) {
            throw new CaLoadException("the private key in " + source + " does not belong to the CA certificate '"
                    + subject + "'");
        }
        return new CaMaterial(chain, key, source);
    }

    /** Proves the pair by signing a random challenge: works for EC and RSA alike without comparing parameters. */
    private static boolean signatureVerifies(String algorithm, PrivateKey key, X509Certificate certificate,
            String source) throws CaLoadException {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw CaLoadException.because("the private key in " + source + " cannot sign with " + algorithm, e);
        }
    }
}
