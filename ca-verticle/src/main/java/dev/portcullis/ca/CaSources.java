package dev.portcullis.ca;

import dev.portcullis.ca.root.CaSource;
import dev.portcullis.ca.root.DataDirCaSource;
import dev.portcullis.ca.root.KeystoreCaSource;
import dev.portcullis.ca.root.PassphraseSource;
import dev.portcullis.ca.root.PemCaSource;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;

/** Chooses where the CA comes from, from the options. */
final class CaSources {

    private CaSources() {
    }

    /**
     * @param environment looks environment variables up for {@code passphrase-env}
     * @return a keystore source, a PEM-pair source, or the data directory (which generates on first start)
     */
    static CaSource from(CaOptions options, Function<String, String> environment, Clock clock,
                         SecureRandom random) {
        PassphraseSource passphrase = passphrase(options, environment);
        if (options.getKeystore() != null) {
            return new KeystoreCaSource(options.getKeystore(), options.getKeystoreAlias(), passphrase, clock);
        }
        if (options.getKeyFile() != null) {
            return new PemCaSource(options.getKeyFile(), options.getCertFile(), passphrase, clock);
        }
        return new DataDirCaSource(options.getDataDir(), clock, random);
    }

    static PassphraseSource passphrase(CaOptions options, Function<String, String> environment) {
        if (options.getPassphraseEnv() != null) {
            return PassphraseSource.fromEnv(options.getPassphraseEnv(), environment);
        }
        if (options.getPassphraseFile() != null) {
            return PassphraseSource.fromFile(options.getPassphraseFile());
        }
        return PassphraseSource.none();
    }
}
