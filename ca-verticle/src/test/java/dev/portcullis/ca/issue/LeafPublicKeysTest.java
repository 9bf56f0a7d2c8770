package dev.portcullis.ca.issue;

import dev.portcullis.ca.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LeafPublicKeysTest {

    static Stream<Arguments> refusedKeys() throws Exception {
        byte[] p256 = TestPki.ecKey().getPublic().getEncoded();
        byte[] offCurve = p256.clone();
        offCurve[offCurve.length - 1] ^= 1;
        byte[] trailing = Arrays.copyOf(p256, p256.length + 1);
        return Stream.of(
                arguments("EC on P-384", TestPki.ecKey("secp384r1").getPublic().getEncoded(), "was EC with parameters"),
                arguments("RSA of 1024 bits", TestPki.rsaKey(1024).getPublic().getEncoded(),
                        "RSA modulus must be 2048-16384 bits, was 1024"),
                arguments("Ed25519", KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded(),
                        "was algorithm 1.3.101.112"),
                arguments("not DER at all", "hello".getBytes(), "must be a DER SubjectPublicKeyInfo"),
                arguments("a P-256 point off the curve", offCurve, "not a valid P-256 point"),
                arguments("a valid key followed by a stray byte", trailing, "must be a DER SubjectPublicKeyInfo"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("refusedKeys")
    void refusedKeysNameTheField(String sentence, byte[] der, String message) {
        assertThatThrownBy(() -> LeafPublicKeys.parse(der))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("publicKey")
                .hasMessageContaining(message);
    }

    @Test
    void p256AndRsa2048AreAccepted() throws Exception {
        byte[] ec = TestPki.ecKey().getPublic().getEncoded();
        byte[] rsa = TestPki.rsaKey(2048).getPublic().getEncoded();

        assertThat(LeafPublicKeys.parse(ec).getEncoded()).isEqualTo(ec);
        assertThat(LeafPublicKeys.parse(rsa).getEncoded()).isEqualTo(rsa);
    }
}
