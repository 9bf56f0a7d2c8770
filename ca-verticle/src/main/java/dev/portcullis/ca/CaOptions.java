package dev.portcullis.ca;

import dev.portcullis.api.config.ConfigSchema;
import dev.portcullis.api.config.ConfigView;
import dev.portcullis.api.config.Durations;
import dev.portcullis.api.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Options of the ca role: the {@code ca} section of the node configuration.
 *
 * <pre>
 * ca:
 *   data-dir: ./portcullis-data   # where a generated CA lives (ca.key, ca.pem) when no CA files are configured
 *   # production, either a PEM pair...
 *   cert-file: /etc/portcullis/ca.pem      # the issuing CA certificate, optionally followed by its chain
 *   key-file: /etc/portcullis/ca.key       # PKCS#8 (encrypted allowed), SEC1 or PKCS#1 PEM
 *   # ...or a PKCS#12 keystore
 *   keystore: /etc/portcullis/ca.p12
 *   keystore-alias: portcullis             # optional when the keystore holds one key
 *   # the passphrase of an encrypted key or of the keystore, never the passphrase itself:
 *   passphrase-env: PORTCULLIS_CA_PASSPHRASE   # name of an environment variable
 *   passphrase-file: /run/secrets/ca-pass      # or a file (one trailing newline is ignored)
 *   leaf-validity: 7d      # a leaf never outlives the CA nor the caller's notAfter hint
 *   cache-size: 10000      # signed chains kept
 *   reload-interval: 10s   # how often the CA files are checked for rotation; 0 turns it off
 * </pre>
 *
 * A {@code passphrase} key is refused: a secret in the configuration file ends up in backups, diffs and
 * config dumps. Durations are read by {@link Durations}.
 */
public final class CaOptions {

    /** Default data directory: {@code ./portcullis-data}, beside the jar, as the embedded default expects. */
    public static final Path DEFAULT_DATA_DIR = Path.of("./portcullis-data");
    /** Default leaf validity: 7 days, short enough that a leaked leaf key matters little. */
    public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(7);
    /** Default cache bound: 10,000 signed chains. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Default interval between checks of the CA files for rotation: 10 seconds. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    static final String DATA_DIR = "data-dir";
    static final String KEY_FILE = "key-file";
    static final String CERT_FILE = "cert-file";
    static final String KEYSTORE = "keystore";
    static final String KEYSTORE_ALIAS = "keystore-alias";
    static final String PASSPHRASE_ENV = "passphrase-env";
    static final String PASSPHRASE_FILE = "passphrase-file";
    static final String LEAF_VALIDITY = "leaf-validity";
    static final String CACHE_SIZE = "cache-size";
    static final String RELOAD_INTERVAL = "reload-interval";
    static final String PASSPHRASE = "passphrase";
    /** {@value}: the name of this section in the node configuration, the prefix of every key in messages. */
    public static final String SECTION = "ca";
    /** The keys of the {@code ca} section (README.md, Configuration; docs/configuration.md lists them all). */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .string(DATA_DIR)
            .string(CERT_FILE)
            .string(KEY_FILE)
            .string(KEYSTORE)
            .string(KEYSTORE_ALIAS)
            .string(PASSPHRASE_ENV)
            .string(PASSPHRASE_FILE)
            .duration(LEAF_VALIDITY)
            .integer(CACHE_SIZE)
            .duration(RELOAD_INTERVAL)
            .build();
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Path dataDir;
    private Path keyFile;
    private Path certFile;
    private Path keystore;
    private String keystoreAlias;
    private String passphraseEnv;
    private Path passphraseFile;
    private Duration leafValidity;
    private int cacheSize;
    private Duration reloadInterval;

    /** Options with the defaults: a CA generated into {@link #DEFAULT_DATA_DIR}. */
    public CaOptions() {
        dataDir = DEFAULT_DATA_DIR;
        leafValidity = DEFAULT_LEAF_VALIDITY;
        cacheSize = DEFAULT_CACHE_SIZE;
        reloadInterval = DEFAULT_RELOAD_INTERVAL;
    }

    public CaOptions(CaOptions other) {
        dataDir = other.dataDir;
        keyFile = other.keyFile;
        certFile = other.certFile;
        keystore = other.keystore;
        keystoreAlias = other.keystoreAlias;
        passphraseEnv = other.passphraseEnv;
        passphraseFile = other.passphraseFile;
        leafValidity = other.leafValidity;
        cacheSize = other.cacheSize;
        reloadInterval = other.reloadInterval;
    }

    /**
     * Reads the {@code ca} configuration section; absent keys keep their defaults.
     *
     * @param json the section, or {@code null} for all defaults
     * @throws InvalidConfigException naming the dotted key ({@code ca.cache-size}) when a key is unknown, a value
     *                                is malformed, a passphrase is written in the configuration, or the keys
     *                                contradict each other
     */
    public CaOptions(JsonObject json) {
        this();
        if (json != null && json.containsKey(PASSPHRASE)) {
            throw new InvalidConfigException(SECTION + "." + PASSPHRASE, "must not be written in the configuration; "
                    + "name an environment variable with " + PASSPHRASE_ENV + " or a file with " + PASSPHRASE_FILE);
        }
        ConfigView config = SCHEMA.read(SECTION, json);
        try {
            setDataDir(path(config, DATA_DIR, DEFAULT_DATA_DIR));
            setKeyFile(path(config, KEY_FILE, null));
            setCertFile(path(config, CERT_FILE, null));
            setKeystore(path(config, KEYSTORE, null));
            setKeystoreAlias(config.string(KEYSTORE_ALIAS, null));
            setPassphraseEnv(config.string(PASSPHRASE_ENV, null));
            setPassphraseFile(path(config, PASSPHRASE_FILE, null));
            setLeafValidity(config.duration(LEAF_VALIDITY, DEFAULT_LEAF_VALIDITY));
            setCacheSize(config.integer(CACHE_SIZE, DEFAULT_CACHE_SIZE));
            setReloadInterval(config.duration(RELOAD_INTERVAL, DEFAULT_RELOAD_INTERVAL));
            validate();
        } catch (IllegalArgumentException e) {
            throw config.invalid(e);
        }
    }

    /**
     * Checks the rules between values, which single setters cannot.
     *
     * @return this
     * @throws IllegalArgumentException when only one of key-file and cert-file is set, when a keystore is combined
     *                                  with them, when a keystore alias has no keystore, when both passphrase
     *                                  sources are set or one is set with nothing to decrypt
     */
    public CaOptions validate() {
        if ((keyFile == null) != (certFile == null)) {
            throw new IllegalArgumentException(KEY_FILE + " and " + CERT_FILE + " must be set together, "
                    + (keyFile == null ? CERT_FILE : KEY_FILE) + " is set alone");
        }
        if (keystore != null && keyFile != null) {
            throw new IllegalArgumentException(KEYSTORE + " and " + KEY_FILE + "/" + CERT_FILE
                    + " are two ways to give the CA; set one");
        }
        if (keystoreAlias != null && keystore == null) {
            throw new IllegalArgumentException(KEYSTORE_ALIAS + " needs " + KEYSTORE);
        }
        if (passphraseEnv != null && passphraseFile != null) {
            throw new IllegalArgumentException(PASSPHRASE_ENV + " and " + PASSPHRASE_FILE
                    + " are two sources of one passphrase; set one");
        }
        if ((passphraseEnv != null || passphraseFile != null) && !isConfiguredCa()) {
            throw new IllegalArgumentException("a passphrase is only used with " + KEY_FILE + " or " + KEYSTORE
                    + "; the generated CA in " + DATA_DIR + " is not encrypted");
        }
        return this;
    }

    /** Whether the CA comes from configured files ({@code key-file}/{@code cert-file} or {@code keystore}). */
    public boolean isConfiguredCa() {
        return keyFile != null || keystore != null;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put(DATA_DIR, dataDir.toString());
        putIfSet(json, KEY_FILE, keyFile);
        putIfSet(json, CERT_FILE, certFile);
        putIfSet(json, KEYSTORE, keystore);
        putIfSet(json, KEYSTORE_ALIAS, keystoreAlias);
        putIfSet(json, PASSPHRASE_ENV, passphraseEnv);
        putIfSet(json, PASSPHRASE_FILE, passphraseFile);
        return json.put(LEAF_VALIDITY, Durations.format(leafValidity))
                .put(CACHE_SIZE, cacheSize)
                .put(RELOAD_INTERVAL, Durations.format(reloadInterval));
    }

    /** Where a generated CA is written and found again ({@code ca.key}, {@code ca.pem}). */
    public Path getDataDir() {
        return dataDir;
    }

    public CaOptions setDataDir(Path dataDir) {
        if (dataDir == null) {
            throw new IllegalArgumentException(DATA_DIR + " is required");
        }
        this.dataDir = dataDir;
        return this;
    }

    /** The CA's private key, PEM; {@code null} unless the CA is configured as a PEM pair. */
    public Path getKeyFile() {
        return keyFile;
    }

    public CaOptions setKeyFile(Path keyFile) {
        this.keyFile = keyFile;
        return this;
    }

    /** The CA certificate (then optionally its chain), PEM; {@code null} unless configured as a PEM pair. */
    public Path getCertFile() {
        return certFile;
    }

    public CaOptions setCertFile(Path certFile) {
        this.certFile = certFile;
        return this;
    }

    /** A PKCS#12 file holding the CA key and certificate chain; {@code null} unless configured so. */
    public Path getKeystore() {
        return keystore;
    }

    public CaOptions setKeystore(Path keystore) {
        this.keystore = keystore;
        return this;
    }

    /** The keystore entry to use; {@code null} means the only key entry. */
    public String getKeystoreAlias() {
        return keystoreAlias;
    }

    public CaOptions setKeystoreAlias(String keystoreAlias) {
        if (keystoreAlias != null && keystoreAlias.isBlank()) {
            throw new IllegalArgumentException(KEYSTORE_ALIAS + " must not be blank");
        }
        this.keystoreAlias = keystoreAlias;
        return this;
    }

    /** Name of the environment variable holding the passphrase; {@code null} when not used. */
    public String getPassphraseEnv() {
        return passphraseEnv;
    }

    public CaOptions setPassphraseEnv(String passphraseEnv) {
        if (passphraseEnv != null && !ENV_NAME.matcher(passphraseEnv).matches()) {
            throw new IllegalArgumentException(PASSPHRASE_ENV + " must be the name of an environment variable "
                    + "(letters, digits, '_'), was '" + passphraseEnv + "'");
        }
        this.passphraseEnv = passphraseEnv;
        return this;
    }

    /** File holding the passphrase; {@code null} when not used. */
    public Path getPassphraseFile() {
        return passphraseFile;
    }

    public CaOptions setPassphraseFile(Path passphraseFile) {
        this.passphraseFile = passphraseFile;
        return this;
    }

    /** The longest a leaf lives; the CA's own expiry and the caller's hint can make it shorter. */
    public Duration getLeafValidity() {
        return leafValidity;
    }

    public CaOptions setLeafValidity(Duration leafValidity) {
        if (leafValidity == null || leafValidity.isNegative() || leafValidity.isZero()) {
            throw new IllegalArgumentException(LEAF_VALIDITY + " must be positive, was "
                    + (leafValidity == null ? null : Durations.format(leafValidity)));
        }
        this.leafValidity = leafValidity;
        return this;
    }

    /** The most signed chains the cache keeps. */
    public int getCacheSize() {
        return cacheSize;
    }

    public CaOptions setCacheSize(int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException(CACHE_SIZE + " must be at least 1, was " + cacheSize);
        }
        this.cacheSize = cacheSize;
        return this;
    }

    /** How often the CA files are checked for a rotation; zero turns checking off. */
    public Duration getReloadInterval() {
        return reloadInterval;
    }

    public CaOptions setReloadInterval(Duration reloadInterval) {
        if (reloadInterval == null || reloadInterval.isNegative()) {
            throw new IllegalArgumentException(RELOAD_INTERVAL + " must not be negative, was " + reloadInterval);
        }
        this.reloadInterval = reloadInterval;
        return this;
    }

    private static Path path(ConfigView config, String key, Path fallback) {
        String text = config.string(key, null);
        if (text == null) {
            return fallback;
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException(key + " must not be blank");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " is not a valid path: " + e.getReason());
        }
    }

    private static void putIfSet(JsonObject json, String key, Object value) {
        if (value != null) {
            json.put(key, value.toString());
        }
    }
}
