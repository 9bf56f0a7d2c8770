package dev.portcullis.ca.root;

/**
 * Where the CA comes from: a PEM pair, a PKCS#12 keystore, or the data directory where a CA is generated on
 * first start. Every method blocks on file I/O: call it from a worker, never an event loop.
 */
public interface CaSource {

    /**
     * Brings the CA up at start; the data directory generates one when it holds none.
     *
     * @throws CaLoadException saying which file and what is wrong
     */
    Loaded open() throws CaLoadException;

    /**
     * Reads the CA from the files as they are now, never generating.
     *
     * @throws CaLoadException saying which file and what is wrong
     */
    Loaded load() throws CaLoadException;

    /**
     * A digest of the files' content, compared with {@link Loaded#digest()} to see a rotation.
     *
     * @throws CaLoadException when a file cannot be read (for instance while it is being replaced)
     */
    byte[] digest() throws CaLoadException;

    /** The files, for log lines; never a passphrase. */
    String describe();
}
