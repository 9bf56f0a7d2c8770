package dev.portcullis.ca.root;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of the CA files read in one go, and a digest of them. A CA is parsed from the same bytes its digest
 * is taken of, so a change landing between the two reads is seen by the next check instead of being missed.
 */
final class FileSnapshot {

    private final Map<Path, byte[]> contents;
    private final byte[] digest;

    private FileSnapshot(Map<Path, byte[]> contents, byte[] digest) {
        this.contents = contents;
        this.digest = digest;
    }

    /** @throws CaLoadException naming the file that cannot be read */
    static FileSnapshot read(List<Path> files) throws CaLoadException {
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        MessageDigest sha256 = Pem.sha256();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                contents.values().forEach(read -> Arrays.fill(read, (byte) 0));
                throw CaLoadException.because("cannot read " + file, e);
            }
            sha256.update(file.toString().getBytes(StandardCharsets.UTF_8));
            sha256.update(longBytes(bytes.length));
            sha256.update(bytes);
            contents.put(file, bytes);
        }
        return new FileSnapshot(contents, sha256.digest());
    }

    /** The digest of {@link #read} without keeping the bytes. */
    static byte[] digest(List<Path> files) throws CaLoadException {
        FileSnapshot snapshot = read(files);
        snapshot.wipe();
        return snapshot.digest;
    }

    byte[] bytes(Path file) {
        return contents.get(file);
    }

    byte[] digest() {
        return digest.clone();
    }

    /** Overwrites the bytes read: they include the (possibly unencrypted) CA key. */
    void wipe() {
        contents.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }
}
