package dev.portcullis.policy.load;

import dev.portcullis.policy.match.CompiledPolicy;
import dev.portcullis.policy.parse.PolicyException;
import dev.portcullis.policy.parse.PolicyParser;
import dev.portcullis.policy.parse.PolicyVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads one policy file and tells, each time it is asked, whether it changed. It looks at a {@link FileStamp}
 * (size, modification time, and which file the name resolves to, so that a ConfigMap's atomic swap counts) first
 * and reads the bytes only when it moved; it parses only when the bytes' hash moved. Each broken
 * or missing state is reported once, not at every look.
 *
 * <p>Blocking and not thread-safe: call it off the event loop, one call at a time.
 */
public final class PolicyWatcher {

    /**
     * A file modified this close to when it was read may have been written again within the file system's time
     * granularity, leaving size and time unchanged; inside this window the bytes are hashed at every look
     * (the same "racily clean" problem git solves in its index).
     */
    static final Duration RACY_WINDOW = Duration.ofSeconds(2);

    private final Path path;
    private final String file;
    private final Clock clock;
    private FileStamp seenStamp;
    private Instant seenAt;
    private String seenVersion;
    private boolean unreadableReported;

    /** @param path the policy file; its text form is the name used in messages */
    public PolicyWatcher(Path path) {
        this(path, Clock.systemUTC());
    }

    PolicyWatcher(Path path, Clock clock) {
        this.path = path;
        this.file = path.toString();
        this.clock = clock;
    }

    /**
     * Reads and compiles the file for the first time.
     *
     * @return the policy, never {@code null}
     * @throws PolicyException when the file cannot be read or is invalid, as {@code file:line: reason}
     */
    public LoadedPolicy load() throws PolicyException {
        FileStamp stamp;
        byte[] content;
        try {
            stamp = FileStamp.of(path);
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PolicyException(file, 0, "cannot read: " + describe(e));
        }
        remember(stamp, PolicyVersion.of(content));
        return compile(content);
    }

    /**
     * Looks at the file again.
     *
     * @return what changed since the last look, never {@code null}
     */
    public Change check() {
        return look(false);
    }

    /**
     * Reads the file again whatever its size and time say (an operator's reload, SIGHUP): a change the stamp
     * cannot show is taken too. Bytes equal to those in force are still no change.
     *
     * @return what changed since the last look, never {@code null}
     */
    public Change reread() {
        return look(true);
    }

    private Change look(boolean whateverTheStamp) {
        FileStamp stamp;
        byte[] content;
        try {
            stamp = FileStamp.of(path);
            if (!whateverTheStamp && stamp.equals(seenStamp) && !racy(stamp)) {
                return Change.UNCHANGED;
            }
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            return unreadable(e);
        }
        unreadableReported = false;
        String version = PolicyVersion.of(content);
        boolean sameBytes = version.equals(seenVersion);
        remember(stamp, version);
        if (sameBytes) {
            return Change.UNCHANGED;
        }
        try {
            return new Change.Changed(compile(content));
        } catch (PolicyException e) {
            return new Change.Refused(e);
        }
    }

    private Change unreadable(IOException e) {
        // Forget what was seen so that the file coming back, even unchanged, is read and reported as valid again.
        seenStamp = null;
        seenVersion = null;
        if (unreadableReported) {
            return Change.UNCHANGED;
        }
        unreadableReported = true;
        return new Change.Unreadable(file + ": cannot read: " + describe(e));
    }

    private boolean racy(FileStamp stamp) {
        return seenAt == null || !stamp.modified().toInstant().isBefore(seenAt.minus(RACY_WINDOW));
    }

    private void remember(FileStamp stamp, String version) {
        seenStamp = stamp;
        seenAt = clock.instant();
        seenVersion = version;
    }

    private LoadedPolicy compile(byte[] content) throws PolicyException {
        return new LoadedPolicy(CompiledPolicy.compile(PolicyParser.parse(file, content)), file, clock.instant());
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "file not found" : e.toString();
    }
}
