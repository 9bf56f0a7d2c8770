package dev.portcullis.policy.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portcullis.policy.match.CompiledPolicy;
import dev.portcullis.policy.model.Policy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the policy parser with arbitrary file contents (the corpus under {@code PolicyParserFuzzTestInputs/}
 * starts from every fixture in {@code policy/}, valid and broken, and adds YAML aliases, tags, deep nesting,
 * a byte-order mark and invalid UTF-8). Properties: the parser returns a policy that compiles, or refuses with
 * {@link PolicyException} whose message names the file and a line within it (an operator must be able to find
 * the problem); any other exception, a stack overflow included, is a finding.
 */
class PolicyParserFuzzTest {

    private static final String FILE = "fuzz.yaml";

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesWithFileAndLine(byte[] content) {
        Policy policy;
        try {
            policy = PolicyParser.parse(FILE, content);
        } catch (PolicyException refused) {
            assertThat(refused.file()).isEqualTo(FILE);
            assertThat(refused.reason()).isNotBlank();
            assertThat(refused.getMessage()).startsWith(FILE + ":");
            assertThat(refused.line()).as(refused.getMessage()).isBetween(0, lines(content) + 1);
            return;
        }
        assertThat(policy).isNotNull();
        assertThat(CompiledPolicy.compile(policy)).isNotNull();
    }

    /** Lines as YAML counts them: LF, CR LF, CR, NEL, LS and PS each end one. */
    private static int lines(byte[] content) {
        String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029'
                    || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                lines++;
            }
        }
        return lines;
    }
}
