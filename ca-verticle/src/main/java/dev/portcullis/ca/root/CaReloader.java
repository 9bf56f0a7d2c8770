package dev.portcullis.ca.root;

import java.util.Arrays;
import java.util.Optional;

/**
 * Sees a rotation of the CA files and reads the replacement. Content is compared by digest, not by modification
 * time, whose granularity can hide two writes in one tick. A replacement that does not load is reported once and
 * then ignored until the files change again, so a broken rotation does not log every tick.
 *
 * <p>Blocking (file I/O): call {@link #check()} from a worker. Calls are serialised.
 */
public final class CaReloader {

    private final CaSource source;
    private byte[] seen;
    private String unreadable;

    /** @param loaded the CA in force and the digest it was read from */
    public CaReloader(CaSource source, Loaded loaded) {
        this.source = source;
        this.seen = loaded.digest();
    }

    /**
     * @return the CA now in the files when their content changed since the last call and holds a valid CA
     *         (possibly the same certificate, when only the file bytes changed); empty when nothing changed
     * @throws CaLoadException when the content changed but does not hold a valid CA, or a file cannot be read (each
     *                         reported once); the old CA stays in force
     */
    public synchronized Optional<Loaded> check() throws CaLoadException {
        byte[] now;
        try {
            now = source.digest();
        } catch (CaLoadException e) {
            // A file missing for a moment (replaced by rm + cp) is reported once, not on every tick.
            if (e.getMessage().equals(unreadable)) {
                return Optional.empty();
            }
            unreadable = e.getMessage();
            throw e;
        }
        unreadable = null;
        if (Arrays.equals(now, seen)) {
            return Optional.empty();
        }
        try {
            Loaded loaded = source.load();
            seen = loaded.digest();
            return Optional.of(loaded);
        } catch (CaLoadException e) {
            seen = now;
            throw e;
        }
    }
}
