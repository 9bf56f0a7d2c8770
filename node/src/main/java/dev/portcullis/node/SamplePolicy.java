package dev.portcullis.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The commented sample policy a first start writes when the data directory has none: default deny, and one rule
 * that splices {@code example.com} and {@code *.example.com} on port 443. The text is the resource
 * {@value #RESOURCE}.
 */
final class SamplePolicy {

    /** {@value} */
    static final String RESOURCE = "/dev/portcullis/node/sample-policy.yaml";

    private SamplePolicy() {
    }

    /** The sample's text. */
    static String text() {
        try (InputStream in = SamplePolicy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the sample to {@code file} unless a file is there already.
     *
     * @return whether it was written
     * @throws UncheckedIOException when the file or its directory cannot be created
     */
    static boolean writeIfMissing(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample policy to " + file + ": " + e.getMessage(), e);
        }
    }
}
