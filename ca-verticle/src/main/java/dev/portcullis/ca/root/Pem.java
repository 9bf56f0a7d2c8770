package dev.portcullis.ca.root;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** PEM text and SHA-256 fingerprints of certificates, and the PKCS#8 PEM of a key for the owner-only key file. */
public final class Pem {

    private static final byte[] NEWLINE = {'\n'};
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, NEWLINE);

    private Pem() {
    }

    /** The certificate as {@code -----BEGIN CERTIFICATE-----} PEM, ending with a newline. */
    public static String certificate(X509Certificate certificate) {
        return new String(block("CERTIFICATE", der(certificate)), StandardCharsets.US_ASCII);
    }

    /** A DER-encoded certificate as PEM, ending with a newline. */
    public static String certificate(byte[] der) {
        return new String(block("CERTIFICATE", der), StandardCharsets.US_ASCII);
    }

    /** SHA-256 of the certificate's DER encoding, lower-case hex without separators. */
    public static String fingerprint(X509Certificate certificate) {
        return HexFormat.of().formatHex(sha256().digest(der(certificate)));
    }

    /**
     * Reads every certificate of a PEM text, in order; other blocks (a key in a combined file) are skipped.
     *
     * @param what names the source in messages ("cert-file /etc/ca.pem")
     * @throws CaLoadException when the text is not PEM or holds no certificate
     */
    public static List<X509Certificate> certificates(byte[] pem, String what) throws CaLoadException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem),
                StandardCharsets.US_ASCII))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw CaLoadException.because(what + " is not readable PEM", e);
        }
        if (certificates.isEmpty()) {
            throw new CaLoadException(what + " holds no PEM certificate");
        }
        return certificates;
    }

    /**
     * The key as PKCS#8 {@code -----BEGIN PRIVATE KEY-----} PEM bytes (not the SEC1 form, which Vert.x's
     * PemKeyCertOptions and many tools refuse). The caller wipes the array once written.
     */
    static byte[] privateKey(PrivateKey key) {
        byte[] der = key.getEncoded();
        try {
            return block("PRIVATE KEY", der);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static byte[] block(String type, byte[] der) {
        byte[] body = BASE64.encode(der);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        out.writeBytes(("-----BEGIN " + type + "-----\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        out.writeBytes(("\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII));
        Arrays.fill(body, (byte) 0);
        return out.toByteArray();
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate " + certificate.getSubjectX500Principal()
                    + " cannot be encoded", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
