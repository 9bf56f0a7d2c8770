package dev.portcullis.ca;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CaOptionsTest {

    @Test
    void absentSectionGivesTheDefaults() {
        CaOptions options = new CaOptions((JsonObject) null);

        assertThat(options.getDataDir()).isEqualTo(Path.of("./portcullis-data"));
        assertThat(options.getLeafValidity()).isEqualTo(Duration.ofDays(7));
        assertThat(options.getCacheSize()).isEqualTo(10_000);
        assertThat(options.getReloadInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.isConfiguredCa()).isFalse();
        assertThat(new CaOptions(new JsonObject()).toJson()).isEqualTo(new CaOptions().toJson());
    }

    @Test
    void pemPairOptionsSurviveARoundTrip() {
        JsonObject json = new JsonObject()
                .put("data-dir", "/var/lib/portcullis")
                .put("key-file", "/etc/portcullis/ca.key")
                .put("cert-file", "/etc/portcullis/ca.pem")
                .put("passphrase-file", "/run/secrets/ca-pass")
                .put("leaf-validity", "2d")
                .put("cache-size", 500)
                .put("reload-interval", "250ms");

        CaOptions options = new CaOptions(json);

        assertThat(options.toJson()).isEqualTo(json);
        assertThat(new CaOptions(options.toJson()).toJson()).isEqualTo(json);
        assertThat(new CaOptions(options).toJson()).isEqualTo(json);
        assertThat(options.getLeafValidity()).isEqualTo(Duration.ofDays(2));
        assertThat(options.getPassphraseFile()).isEqualTo(Path.of("/run/secrets/ca-pass"));
    }

    @Test
    void keystoreOptionsSurviveARoundTrip() {
        JsonObject json = new JsonObject()
                .put("data-dir", "portcullis-data")
                .put("keystore", "/etc/portcullis/ca.p12")
                .put("keystore-alias", "portcullis")
                .put("passphrase-env", "PORTCULLIS_CA_PASSPHRASE")
                .put("leaf-validity", "7d")
                .put("cache-size", 10_000)
                .put("reload-interval", "0ms");

        assertThat(new CaOptions(json).toJson()).isEqualTo(json);
        assertThat(new CaOptions(json).getReloadInterval()).isZero();
    }

    @Test
    void aPassphraseWrittenInTheConfigurationIsRefusedNamingTheAlternatives() {
        JsonObject json = new JsonObject().put("key-file", "k").put("cert-file", "c").put("passphrase", "hunter2");

        assertThatThrownBy(() -> new CaOptions(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ca.passphrase: must not be written in the configuration")
                .hasMessageContaining("passphrase-env")
                .hasMessageContaining("passphrase-file")
                .hasMessageNotContaining("hunter2");
    }

    static Stream<Arguments> invalidSections() {
        return Stream.of(
                arguments("key file without its certificate", new JsonObject().put("key-file", "k"),
                        "ca.key-file and cert-file must be set together, key-file is set alone"),
                arguments("certificate without its key", new JsonObject().put("cert-file", "c"),
                        "key-file and cert-file must be set together, cert-file is set alone"),
                arguments("keystore and a PEM pair", new JsonObject().put("keystore", "s").put("key-file", "k")
                        .put("cert-file", "c"), "are two ways to give the CA"),
                arguments("alias without a keystore", new JsonObject().put("keystore-alias", "a"),
                        "keystore-alias needs keystore"),
                arguments("two passphrase sources", new JsonObject().put("keystore", "s")
                        .put("passphrase-env", "A").put("passphrase-file", "f"), "two sources of one passphrase"),
                arguments("passphrase for the generated CA", new JsonObject().put("passphrase-env", "A"),
                        "a passphrase is only used with key-file or keystore"),
                arguments("environment variable name with a space", new JsonObject().put("keystore", "s")
                        .put("passphrase-env", "MY VAR"), "passphrase-env must be the name of an environment"),
                arguments("zero leaf validity", new JsonObject().put("leaf-validity", "0s"),
                        "ca.leaf-validity must be positive, was 0ms"),
                arguments("leaf validity that is not a duration", new JsonObject().put("leaf-validity", "a week"),
                        "ca.leaf-validity: expected a duration such as 500ms, 10s, 5m, 1h or 7d, "
                                + "was the string \"a week\""),
                arguments("zero cache size", new JsonObject().put("cache-size", 0),
                        "cache-size must be at least 1, was 0"),
                arguments("fractional cache size", new JsonObject().put("cache-size", 1.5),
                        "ca.cache-size: expected a whole number, was the number 1.5"),
                arguments("negative reload interval", new JsonObject().put("reload-interval", -1),
                        "ca.reload-interval: expected a duration"),
                arguments("blank data dir", new JsonObject().put("data-dir", " "), "data-dir must not be blank"),
                arguments("data dir that is not a string", new JsonObject().put("data-dir", true),
                        "ca.data-dir: expected a string, was the boolean true"),
                arguments("a misspelt key is named with the nearest known one",
                        new JsonObject().put("keyfile", "k").put("cert-file", "c"),
                        "ca.keyfile: unknown key (did you mean key-file?)"),
                arguments("a cache size written as a string", new JsonObject().put("cache-size", "500"),
                        "ca.cache-size: expected a whole number, was the string \"500\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSections")
    void invalidSectionsAreRefusedWithANamedMessage(String sentence, JsonObject json, String message) {
        assertThatThrownBy(() -> new CaOptions(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
