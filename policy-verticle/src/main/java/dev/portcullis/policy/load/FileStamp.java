package dev.portcullis.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a cheap {@code stat} says about a file: enough to skip reading it when nothing changed.
 *
 * @param size     length in bytes
 * @param modified last modification time
 */
public record FileStamp(long size, FileTime modified) {

    /** @throws IOException when the file is missing or cannot be read ({@code NoSuchFileException} when missing) */
    public static FileStamp of(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return new FileStamp(attributes.size(), attributes.lastModifiedTime());
    }
}
