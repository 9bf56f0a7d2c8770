package dev.portcullis.node.config;

import dev.portcullis.api.config.ConfigKind;
import dev.portcullis.api.config.EnvBinding;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md lists every key the schema declares, with its variable. */
class ConfigurationDocsTest {

    @Test
    void everyDeclaredKeyAndItsVariableAreDocumented() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> expected = new ArrayList<>();
        for (EnvBinding binding : EnvOverrides.bindings().values()) {
            expected.add("| `" + binding.key() + "` |");
            expected.add("`" + binding.variable() + "`");
            if (binding.kind() == ConfigKind.SECTION_LIST) {
                String section = binding.path().get(0);
                NodeConfig.SCHEMA.field(section).schema().field(binding.path().get(1)).schema().keys()
                        .forEach(key -> expected.add("| `" + binding.key() + "[n]." + key + "` |"));
            }
        }

        assertThat(expected).allSatisfy(text -> assertThat(docs).contains(text));
    }
}
