package dev.portcullis.ca.root;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * Reads the CA's private key from PEM: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}), and the OpenSSL traditional forms ({@code EC PRIVATE KEY},
 * {@code RSA PRIVATE KEY}, with or without {@code Proc-Type: 4,ENCRYPTED}). Certificates in the same text are
 * skipped.
 *
 * <p>Every failure is reported in our own words: the parsers' messages are dropped so that nothing read from the
 * key can reach a log line.
 */
public final class PemKeyReader {

    private PemKeyReader() {
    }

    /**
     * @param pem        the file's bytes
     * @param passphrase used only when the key is encrypted
     * @param what       names the file in messages ("key-file /etc/ca.key")
     * @return the first private key in the text
     * @throws CaLoadException when there is no key, the key is encrypted and no passphrase is configured, the
     *                         passphrase is wrong, or the text is damaged
     */
    public static PrivateKey read(byte[] pem, PassphraseSource passphrase, String what) throws CaLoadException {
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem),
                StandardCharsets.US_ASCII))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo info) {
                    return toPrivateKey(info, what);
                }
                if (object instanceof PEMKeyPair pair) {
                    return toPrivateKey(pair.getPrivateKeyInfo(), what);
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    return toPrivateKey(decrypt(encrypted, passphrase, what), what);
                }
                if (object instanceof PEMEncryptedKeyPair encrypted) {
                    return toPrivateKey(decrypt(encrypted, passphrase, what).getPrivateKeyInfo(), what);
                }
            }
        } catch (CaLoadException e) {
            throw e;
        } catch (Exception e) {
            throw CaLoadException.because(what + " is not a readable PEM private key", e);
        }
        throw new CaLoadException(what + " holds no PEM private key");
    }

    private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, PassphraseSource passphrase,
                                          String what) throws CaLoadException {
        char[] secret = required(passphrase, what);
        try {
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(BouncyCastle.PROVIDER).build(secret));
        } catch (Exception e) {
            throw CaLoadException.because("cannot decrypt " + what + " with " + passphrase
                    + ": wrong passphrase or unsupported encryption", e);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static PEMKeyPair decrypt(PEMEncryptedKeyPair encrypted, PassphraseSource passphrase, String what)
            throws CaLoadException {
        char[] secret = required(passphrase, what);
        try {
            return encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                    .setProvider(BouncyCastle.PROVIDER).build(secret));
        } catch (Exception e) {
            throw CaLoadException.because("cannot decrypt " + what + " with " + passphrase
                    + ": wrong passphrase or unsupported encryption", e);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * Converts with the platform's own key factories (SunEC, SunRsaSign), which sign leaves: BouncyCastle's
     * JcaPEMKeyConverter asks for an "ECDSA" key factory the JDK does not have.
     */
    private static PrivateKey toPrivateKey(PrivateKeyInfo info, String what) throws CaLoadException {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        String name;
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            name = "EC";
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            name = "RSA";
        } else {
            throw new CaLoadException(what + " holds a key of algorithm " + algorithm
                    + "; the CA key must be EC or RSA");
        }
        try {
            return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (Exception e) {
            throw CaLoadException.because(what + " holds a damaged " + name + " key", e);
        }
    }

    private static char[] required(PassphraseSource passphrase, String what) throws CaLoadException {
        char[] secret = passphrase.read();
        if (secret == null) {
            throw new CaLoadException(what + " is encrypted: set passphrase-env or passphrase-file");
        }
        return secret;
    }
}
