package dev.portcullis.ca;

import dev.portcullis.ca.root.CaLoadException;
import dev.portcullis.ca.root.DataDirCaSource;
import dev.portcullis.ca.root.KeystoreCaSource;
import dev.portcullis.ca.root.Pem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

/**
 * The root certificate clients must trust, for {@code portcullis.jar ca export}. Reads certificates only, never
 * generates a CA and never prints a key; only a PKCS#12 keystore needs its passphrase (its certificates are
 * encrypted too).
 */
public final class CaExport {

    private CaExport() {
    }

    /**
     * @param dataDir the data directory of a generated CA
     * @return the root certificate, PEM
     * @throws IllegalStateException saying why when there is no CA there yet or it cannot be read
     */
    public static String rootPem(Path dataDir) {
        return rootOf(dataDir.resolve(DataDirCaSource.CERT_FILE), "data-dir " + dataDir);
    }

    /**
     * @param options the ca section of the node configuration; {@code passphrase-env} is read from this
     *                process's environment
     * @return the root certificate, PEM: the last certificate of the configured chain
     * @throws IllegalStateException saying why when the CA cannot be read
     */
    public static String rootPem(CaOptions options) {
        if (options.getKeystore() != null) {
            KeystoreCaSource source = new KeystoreCaSource(options.getKeystore(), options.getKeystoreAlias(),
                    CaSources.passphrase(options, System::getenv), Clock.systemUTC());
            try {
                return source.load().material().root().rootPem();
            } catch (CaLoadException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }
        if (options.getCertFile() != null) {
            return rootOf(options.getCertFile(), "cert-file " + options.getCertFile());
        }
        return rootPem(options.getDataDir());
    }

    private static String rootOf(Path certFile, String what) {
        try {
            List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(certFile), what);
            return Pem.certificate(chain.get(chain.size() - 1));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no CA certificate at " + certFile
                    + "; start a ca role once to generate one, or configure key-file and cert-file");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + certFile + " (" + e.getClass().getSimpleName() + ")");
        } catch (CaLoadException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }
}
