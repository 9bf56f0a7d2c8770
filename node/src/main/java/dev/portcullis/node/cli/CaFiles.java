package dev.portcullis.node.cli;

import dev.portcullis.ca.CaOptions;
import dev.portcullis.ca.root.DataDirCaSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files the {@code ca} section names and whether each is there; only names and existence, never contents,
 * so nothing of a key can reach the output.
 *
 * @param configured whether the CA comes from configured files rather than one generated into the data directory
 * @param fileByKey  each file the section names, by its dotted key ({@code ca.cert-file})
 */
record CaFiles(boolean configured, Map<String, Path> fileByKey) {

    static CaFiles of(CaOptions options) {
        Map<String, Path> files = new LinkedHashMap<>();
        if (options.isConfiguredCa()) {
            put(files, "ca.cert-file", options.getCertFile());
            put(files, "ca.key-file", options.getKeyFile());
            put(files, "ca.keystore", options.getKeystore());
            put(files, "ca.passphrase-file", options.getPassphraseFile());
        } else {
            put(files, "ca.data-dir", options.getDataDir().resolve(DataDirCaSource.CERT_FILE));
        }
        return new CaFiles(options.isConfiguredCa(), files);
    }

    /** The configured files that are not there: a ca role would not start. A generated CA is never missing. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (configured) {
            fileByKey.forEach((key, file) -> {
                if (!Files.isRegularFile(file)) {
                    missing.add(key + " " + file + ": no such file");
                }
            });
        }
        return missing;
    }

    /** One line: {@code ca: cert-file /etc/ca.pem (present), key-file /etc/ca.key (present)}. */
    String describe() {
        if (!configured) {
            Path cert = fileByKey.get("ca.data-dir");
            return "ca: generated in " + cert.getParent() + (Files.isRegularFile(cert) ? " (" + cert.getFileName()
                    + " present)" : " (none yet: a ca role generates it at its first start)");
        }
        List<String> parts = new ArrayList<>();
        fileByKey.forEach((key, file) -> parts.add(key.substring("ca.".length()) + " " + file
                + (Files.isRegularFile(file) ? " (present)" : " (missing)")));
        return "ca: " + String.join(", ", parts);
    }

    private static void put(Map<String, Path> files, String key, Path file) {
        if (file != null) {
            files.put(key, file);
        }
    }
}
