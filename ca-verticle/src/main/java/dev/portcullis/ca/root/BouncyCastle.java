package dev.portcullis.ca.root;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/**
 * One BouncyCastle provider instance, used only to decrypt encrypted key files: BouncyCastle's decryptors ask for
 * cipher names such as {@code AES/CBC/PKCS7Padding} that the JDK's SunJCE does not know. It is deliberately not
 * registered with {@code Security.addProvider}, so keys and signatures everywhere else stay with the JDK.
 */
final class BouncyCastle {

    /** Built on first use: constructing the provider takes a noticeable fraction of a second. */
    static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
