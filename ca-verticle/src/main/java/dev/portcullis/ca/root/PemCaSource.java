package dev.portcullis.ca.root;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/** A CA given as a PEM certificate file (issuing CA first, then its chain) and a PEM key file. */
public final class PemCaSource implements CaSource {

    private final Path keyFile;
    private final Path certFile;
    private final PassphraseSource passphrase;
    private final Clock clock;
    private final String description;

    public PemCaSource(Path keyFile, Path certFile, PassphraseSource passphrase, Clock clock) {
        this(keyFile, certFile, passphrase, clock, "cert-file " + certFile + " and key-file " + keyFile);
    }

    /** @param description names the source in messages, for a caller that knows it better (the data directory) */
    PemCaSource(Path keyFile, Path certFile, PassphraseSource passphrase, Clock clock, String description) {
        this.keyFile = keyFile;
        this.certFile = certFile;
        this.passphrase = passphrase;
        this.clock = clock;
        this.description = description;
    }

    /** Loads the pair, warning once when the key file is open to other users. */
    @Override
    public Loaded open() throws CaLoadException {
        SecureFiles.warnIfExposed(keyFile);
        return load();
    }

    @Override
    public Loaded load() throws CaLoadException {
        FileSnapshot snapshot = FileSnapshot.read(List.of(certFile, keyFile));
        try {
            List<X509Certificate> chain = Pem.certificates(snapshot.bytes(certFile), "cert-file " + certFile);
            PrivateKey key = PemKeyReader.read(snapshot.bytes(keyFile), passphrase, "key-file " + keyFile);
            return new Loaded(CaValidator.check(chain, key, describe(), clock.instant()), snapshot.digest(), false);
        } finally {
            snapshot.wipe();
        }
    }

    @Override
    public byte[] digest() throws CaLoadException {
        return FileSnapshot.digest(List.of(certFile, keyFile));
    }

    @Override
    public String describe() {
        return description;
    }
}
