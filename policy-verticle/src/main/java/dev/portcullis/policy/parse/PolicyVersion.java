package dev.portcullis.policy.parse;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The version of a policy, derived from the file's bytes only, so every node and every instance that reads the
 * same file names the same version without talking to each other.
 */
public final class PolicyVersion {

    /** Hex characters of the digest kept: 48 bits, plenty to tell the few versions of one file apart. */
    private static final int HEX_CHARS = 12;
    private static final String PREFIX = "sha256:";

    private PolicyVersion() {
    }

    /** @return {@code "sha256:"} followed by the first 12 hex characters of the SHA-256 of {@code content} */
    public static String of(byte[] content) {
        return PREFIX + HexFormat.of().formatHex(sha256(content)).substring(0, HEX_CHARS);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest javadoc), so this cannot happen.
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
