package dev.portcullis.ca.root;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A CA given as a PKCS#12 keystore: the key entry's certificate chain is the CA chain. */
public final class KeystoreCaSource implements CaSource {

    private final Path keystore;
    private final String alias;
    private final PassphraseSource passphrase;
    private final Clock clock;

    /** @param alias the entry to use, or {@code null} for the only key entry */
    public KeystoreCaSource(Path keystore, String alias, PassphraseSource passphrase, Clock clock) {
        this.keystore = keystore;
        this.alias = alias;
        this.passphrase = passphrase;
        this.clock = clock;
    }

    @Override
    public Loaded open() throws CaLoadException {
        return load();
    }

    @Override
    public Loaded load() throws CaLoadException {
        FileSnapshot snapshot = FileSnapshot.read(List.of(keystore));
        char[] secret = passphrase.read();
        if (secret == null) {
            secret = new char[0];
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(new ByteArrayInputStream(snapshot.bytes(keystore)), secret);
            } catch (Exception e) {
                throw CaLoadException.because("cannot open keystore " + keystore + " with " + passphrase
                        + ": wrong passphrase or not a PKCS#12 file", e);
            }
            String entry = entry(store);
            Key key;
            try {
                key = store.getKey(entry, secret);
            } catch (Exception e) {
                throw CaLoadException.because("cannot recover the key '" + entry + "' from keystore " + keystore
                        + " with " + passphrase, e);
            }
            if (!(key instanceof PrivateKey privateKey)) {
                throw new CaLoadException("the entry '" + entry + "' of keystore " + keystore
                        + " holds no private key");
            }
            Certificate[] certificates = store.getCertificateChain(entry);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : certificates == null ? new Certificate[0] : certificates) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return new Loaded(CaValidator.check(chain, privateKey, describe(), clock.instant()), snapshot.digest(),
                    false);
        } catch (CaLoadException e) {
            throw e;
        } catch (Exception e) {
            throw CaLoadException.because("cannot read keystore " + keystore, e);
        } finally {
            Arrays.fill(secret, '\0');
            snapshot.wipe();
        }
    }

    private String entry(KeyStore store) throws Exception {
        List<String> keyEntries = new ArrayList<>();
        for (String name : Collections.list(store.aliases())) {
            if (store.isKeyEntry(name)) {
                keyEntries.add(name);
            }
        }
        if (alias != null) {
            // isKeyEntry, not contains: PKCS#12 aliases are matched without regard to case.
            if (!store.isKeyEntry(alias)) {
                throw new CaLoadException("keystore " + keystore + " has no key entry '" + alias + "' (key entries: "
                        + keyEntries + ")");
            }
            return alias;
        }
        if (keyEntries.size() != 1) {
            throw new CaLoadException("keystore " + keystore + " has " + keyEntries.size() + " key entries "
                    + keyEntries + "; choose one with keystore-alias");
        }
        return keyEntries.get(0);
    }

    @Override
    public byte[] digest() throws CaLoadException {
        return FileSnapshot.digest(List.of(keystore));
    }

    @Override
    public String describe() {
        return "keystore " + keystore + (alias == null ? "" : " entry '" + alias + "'");
    }
}
