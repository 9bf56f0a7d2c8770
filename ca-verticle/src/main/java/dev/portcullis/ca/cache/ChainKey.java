package dev.portcullis.ca.cache;

import java.util.Arrays;
import java.util.List;

/**
 * What makes two sign requests the same leaf: the CA that signs, the names in order, the public key bytes and
 * the caller's expiry hint. The CA is part of the key so that a chain signed by a CA being replaced can never be
 * served after the replacement, even if it lands in the cache after it was cleared.
 *
 * @param caId          the issuing CA certificate's SHA-256
 * @param names         the normalised names, first = CN
 * @param publicKey     the SubjectPublicKeyInfo DER; not copied, the caller must not change it
 * @param notAfterHintMs the caller's hint, or 0
 */
public record ChainKey(String caId, List<String> names, byte[] publicKey, long notAfterHintMs) {

    public ChainKey {
        names = List.copyOf(names);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainKey that && caId.equals(that.caId) && names.equals(that.names)
                && notAfterHintMs == that.notAfterHintMs && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return (caId.hashCode() * 31 + names.hashCode()) * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "ChainKey" + names + " (" + publicKey.length + "-byte key)";
    }
}
