package dev.portcullis.ca;

import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.ca.testing.CaRole;
import dev.portcullis.ca.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class MalformedRequestTest {

    @TempDir
    Path dataDir;

    @BeforeEach
    void deploy(Vertx vertx) {
        CaRole.deploy(vertx, new JsonObject().put("data-dir", dataDir.toString()).put("reload-interval", 0)).await();
    }

    static Stream<Arguments> malformed() throws Exception {
        String p256 = Base64.getEncoder().encodeToString(TestPki.ecKey().getPublic().getEncoded());
        String ed25519 = Base64.getEncoder().encodeToString(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());
        JsonArray tooManyNames = new JsonArray();
        IntStream.range(0, 101).forEach(i -> tooManyNames.add("host" + i + ".example.com"));
        return Stream.of(
                arguments("public key that is not base64",
                        new JsonObject().put("names", new JsonArray().add("example.com"))
                                .put("publicKey", "not base64!"),
                        "publicKey must be base64"),
                arguments("public key of an unsupported type",
                        new JsonObject().put("names", new JsonArray().add("example.com")).put("publicKey", ed25519),
                        "publicKey must be EC P-256 or RSA"),
                arguments("bytes that are no public key",
                        new JsonObject().put("names", new JsonArray().add("example.com"))
                                .put("publicKey", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})),
                        "publicKey must be a DER SubjectPublicKeyInfo"),
                arguments("101 names", new JsonObject().put("names", tooManyNames).put("publicKey", p256),
                        "at most 100 names, was 101"),
                arguments("an invalid host name",
                        new JsonObject().put("names", new JsonArray().add("exa mple.com")).put("publicKey", p256),
                        "invalid"),
                arguments("a wildcard name", new JsonObject().put("names", new JsonArray().add("*.example.com"))
                        .put("publicKey", p256), "invalid"),
                arguments("no names", new JsonObject().put("names", new JsonArray()).put("publicKey", p256),
                        "names must not be empty"),
                arguments("names that are not strings",
                        new JsonObject().put("names", new JsonArray().add(42)).put("publicKey", p256),
                        "names must be a list of strings"),
                arguments("no public key", new JsonObject().put("names", new JsonArray().add("example.com")),
                        "publicKey is required"),
                arguments("a negative expiry hint", new JsonObject().put("names", new JsonArray().add("example.com"))
                        .put("publicKey", p256).put("notAfterEpochMs", -5), "notAfterEpochMs must not be negative"),
                arguments("an expiry hint in the past", new JsonObject()
                        .put("names", new JsonArray().add("example.com")).put("publicKey", p256)
                        .put("notAfterEpochMs", Instant.now().minusSeconds(60).toEpochMilli()),
                        "notAfterEpochMs must be in the future"),
                arguments("a body that is not a JSON object", "sign me", "must be a JSON object"),
                arguments("a JSON array body", new JsonArray(Collections.singletonList("x")),
                        "must be a JSON object"));
    }

    @ParameterizedTest(name = "{0} is a bad request")
    @MethodSource("malformed")
    void malformedRequestsAreBadRequestsAndTheRoleKeepsServing(String sentence, Object body, String message,
                                                                Vertx vertx) {
        ReplyException failure = catchThrowableOfType(ReplyException.class,
                () -> CaRole.request(vertx, Addresses.CA_SIGN, body).await());

        assertThat(failure.failureCode()).isEqualTo(ErrorCode.BAD_REQUEST.failureCode());
        assertThat(failure.getMessage()).contains(message);
        assertThat(CaRole.sign(vertx, CaRole.signRequest(TestPki.ecKey().getPublic(), "example.com")).await()
                .getString("chainPem")).contains("BEGIN CERTIFICATE");
    }
}
