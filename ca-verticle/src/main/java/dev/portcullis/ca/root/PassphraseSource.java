package dev.portcullis.ca.root;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Where the passphrase of an encrypted CA key or keystore comes from: an environment variable or a file, never
 * the configuration. It is read afresh on each load (a rotation may bring a new one) and handed out as a
 * {@code char[]} the caller wipes. {@link #toString()} names the source, never the value.
 */
public final class PassphraseSource {

    private static final PassphraseSource NONE = new PassphraseSource(null, null, null);

    private final String envName;
    private final Function<String, String> environment;
    private final Path file;

    private PassphraseSource(String envName, Function<String, String> environment, Path file) {
        this.envName = envName;
        this.environment = environment;
        this.file = file;
    }

    /** No passphrase: keys must be unencrypted, keystores are opened with an empty password. */
    public static PassphraseSource none() {
        return NONE;
    }

    /**
     * @param name        the variable's name
     * @param environment looks a variable up ({@code System::getenv} in production; a map in tests, since a test
     *                    cannot set the process environment)
     */
    public static PassphraseSource fromEnv(String name, Function<String, String> environment) {
        return new PassphraseSource(name, environment, null);
    }

    /** The file's content, UTF-8, without one trailing line break (as {@code echo pass > file} writes it). */
    public static PassphraseSource fromFile(Path file) {
        return new PassphraseSource(null, null, file);
    }

    public boolean isConfigured() {
        return envName != null || file != null;
    }

    /**
     * @return a fresh copy the caller wipes with {@code Arrays.fill}; {@code null} when none is configured
     * @throws CaLoadException when the variable is unset or empty, or the file is unreadable or empty
     */
    public char[] read() throws CaLoadException {
        if (envName != null) {
            String value = environment.apply(envName);
            if (value == null || value.isEmpty()) {
                throw new CaLoadException("the environment variable " + envName + " named by passphrase-env is "
                        + (value == null ? "not set" : "empty"));
            }
            return value.toCharArray();
        }
        if (file != null) {
            return readFile();
        }
        return null;
    }

    private char[] readFile() throws CaLoadException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw CaLoadException.because("cannot read passphrase-file " + file, e);
        }
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
        }
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            if (!chars.hasRemaining()) {
                throw new CaLoadException("passphrase-file " + file + " is empty");
            }
            char[] passphrase = new char[chars.remaining()];
            chars.get(passphrase);
            return passphrase;
        } catch (CharacterCodingException e) {
            throw new CaLoadException("passphrase-file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars != null) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    @Override
    public String toString() {
        if (envName != null) {
            return "passphrase-env " + envName;
        }
        return file != null ? "passphrase-file " + file : "no passphrase";
    }
}
