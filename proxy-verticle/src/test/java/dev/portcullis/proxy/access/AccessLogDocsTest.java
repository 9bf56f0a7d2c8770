package dev.portcullis.proxy.access;

import dev.portcullis.api.policy.Inspection;
import dev.portcullis.api.policy.Mode;
import dev.portcullis.api.policy.Verdict;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/access-log.md names every field a record can have and every value of its vocabulary. Reasons are sentences
 * written where a stage ends a connection, so their literal beginnings are read out of the sources: a new one
 * fails this test until it is documented.
 */
class AccessLogDocsTest {

    private static final Path DOC = Path.of("..", "docs", "access-log.md");
    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "portcullis", "proxy");
    /**
     * Where a reason's words are written: the reason a client's close gets ({@code whileOpen}), how a relay ended
     * ({@code closedBy}), a close, a TLS refusal, and the record's field itself.
     */
    private static final Pattern REASON_LITERAL = Pattern.compile(
            "(?:whileOpen|closedBy|\\.close|refuseHello\\(TlsAlert\\.\\w+,|AccessRecord\\.REASON,)\\s*\\(?\\s*\"([^\"]+)\"");
    /** Proxy-Status error types (RFC 9209 §2.3) in the one place failures become answers. */
    private static final Pattern PROXY_ERROR = Pattern.compile("\"([a-z]+_[a-z_]+(?:; rcode=[A-Z]+)?)\"");

    private final String doc = read(DOC);

    @Test
    void everyFieldConstantOfAccessRecordIsDocumented() throws IllegalAccessException {
        Set<String> fields = new TreeSet<>();
        for (Field field : AccessRecord.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                fields.add((String) field.get(null));
            }
        }
        assertThat(fields).contains("time", "reason", "durationMs");
        assertThat(fields).allSatisfy(name -> assertThat(doc).contains("`" + name + "`"));
    }

    @Test
    void everyVerdictInspectionModeAndOutcomeIsDocumented() {
        Stream.of(Verdict.values(), Inspection.values(), Mode.values()).flatMap(Arrays::stream)
                .map(value -> value.name().toLowerCase(Locale.ROOT))
                .forEach(value -> assertThat(doc).contains("`" + value + "`"));
        Stream.of("1xx", "2xx", "3xx", "4xx", "5xx", "none").forEach(outcome -> assertThat(doc).contains("`" + outcome + "`"));
    }

    @Test
    void everyReasonWrittenInTheSourcesIsDocumented() throws IOException {
        Set<String> reasons = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                Matcher matcher = REASON_LITERAL.matcher(read(file));
                while (matcher.find()) {
                    reasons.add(matcher.group(1).strip());
                }
            });
        }
        reasons.add(AccessRecord.REVOKED);
        assertThat(reasons).contains("idle-timeout", "client closed before its first bytes", "domain fronting");
        assertThat(reasons).allSatisfy(reason -> assertThat(doc).as("reason '%s' in %s", reason, DOC).contains(reason));
    }

    @Test
    void everyProxyStatusErrorTheFailureMapperWritesIsDocumented() {
        Set<String> errors = new TreeSet<>();
        Matcher matcher = PROXY_ERROR.matcher(read(SOURCES.resolve("respond/FailureMapper.java")));
        while (matcher.find()) {
            errors.add(matcher.group(1));
        }
        assertThat(errors).contains("http_request_denied", "dns_error; rcode=NXDOMAIN");
        assertThat(errors).allSatisfy(error -> assertThat(doc).contains("`" + error + "`"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
