package dev.portcullis.policy;

import dev.portcullis.policy.match.CompiledPolicy;
import dev.portcullis.policy.model.Policy;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Policy fixtures from {@code src/test/resources/policy/}. */
public final class Fixtures {

    private Fixtures() {
    }

    /** @param name a path below {@code policy/}, e.g. {@code "matching.yaml"} or {@code "invalid/empty.yaml"} */
    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/policy/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture policy/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a fixture that must be valid; the file name in messages is the fixture name. */
    public static Policy policy(String name) {
        try {
            return PolicyParser.parse(name, bytes(name));
        } catch (PolicyException e) {
            throw new AssertionError("fixture " + name + " should be valid: " + e.getMessage(), e);
        }
    }

    public static CompiledPolicy compiled(String name) {
        return CompiledPolicy.compile(policy(name));
    }

    /** Copies a fixture to {@code target}, replacing it; returns {@code target}. */
    public static Path copy(String name, Path target) {
        try {
            return Files.write(target, bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
