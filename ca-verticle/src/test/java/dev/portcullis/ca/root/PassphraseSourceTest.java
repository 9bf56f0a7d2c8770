package dev.portcullis.ca.root;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassphraseSourceTest {

    @TempDir
    Path dir;

    @Test
    void environmentVariableIsLookedUpByName() throws Exception {
        PassphraseSource source = PassphraseSource.fromEnv("CA_PASS", Map.of("CA_PASS", "s3cret")::get);

        assertThat(source.read()).containsExactly('s', '3', 'c', 'r', 'e', 't');
        assertThat(source.isConfigured()).isTrue();
        assertThat(source).hasToString("passphrase-env CA_PASS");
    }

    @Test
    void unsetEnvironmentVariableIsReportedByName() {
        PassphraseSource source = PassphraseSource.fromEnv("CA_PASS", Map.<String, String>of()::get);

        assertThatThrownBy(source::read).isInstanceOf(CaLoadException.class)
                .hasMessage("the environment variable CA_PASS named by passphrase-env is not set");
    }

    @Test
    void emptyEnvironmentVariableIsRefused() {
        PassphraseSource source = PassphraseSource.fromEnv("CA_PASS", Map.of("CA_PASS", "")::get);

        assertThatThrownBy(source::read).hasMessageContaining("is empty");
    }

    @Test
    void fileLosesOneTrailingLineBreakOnly() throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), "pass phrase \r\n");
        Path twoBreaks = Files.writeString(dir.resolve("pass2"), "x\n\n");

        assertThat(new String(PassphraseSource.fromFile(file).read())).isEqualTo("pass phrase ");
        assertThat(new String(PassphraseSource.fromFile(twoBreaks).read())).isEqualTo("x\n");
    }

    @Test
    void fileIsReadAsUtf8() throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), "pässwörd\n");

        assertThat(new String(PassphraseSource.fromFile(file).read())).isEqualTo("pässwörd");
    }

    @Test
    void missingOrEmptyFileIsReportedWithoutItsContent() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertThatThrownBy(() -> PassphraseSource.fromFile(dir.resolve("absent")).read())
                .hasMessage("cannot read passphrase-file " + dir.resolve("absent") + " (NoSuchFileException)");
        assertThatThrownBy(() -> PassphraseSource.fromFile(empty).read())
                .hasMessage("passphrase-file " + empty + " is empty");
    }

    @Test
    void noneReadsAsNull() throws Exception {
        assertThat(PassphraseSource.none().read()).isNull();
        assertThat(PassphraseSource.none().isConfigured()).isFalse();
    }
}
