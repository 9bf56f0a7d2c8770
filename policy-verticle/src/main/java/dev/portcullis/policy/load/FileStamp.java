package dev.portcullis.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a cheap {@code stat} says about a file: enough to skip reading it when nothing changed.
 *
 * <p>Size and time alone miss a file that is replaced rather than rewritten: a Kubernetes ConfigMap update renames
 * a new {@code ..data} symlink over the old one, and the new file may well have the old one's size and time. So the
 * stamp also holds the path the name resolves to through every symlink (a new timestamped directory on each
 * update) and the file's identity ({@link BasicFileAttributes#fileKey()}, device and inode on Linux), which a
 * rename or a replacement changes and an in-place write does not.
 *
 * @param size     length in bytes
 * @param modified last modification time
 * @param fileKey  the resolved file's identity, or {@code null} where the file system has none
 * @param realPath the file the watched name resolves to
 */
public record FileStamp(long size, FileTime modified, Object fileKey, Path realPath) {

    /** @throws IOException when the file is missing or cannot be read ({@code NoSuchFileException} when missing) */
    public static FileStamp of(Path path) throws IOException {
        // Attributes of the resolved path, so that both describe the same file even when a swap happens between
        // the two calls; a mixed stamp would only cost one extra read at the next look.
        Path real = path.toRealPath();
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
        return new FileStamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), real);
    }
}
