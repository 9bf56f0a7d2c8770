package dev.portcullis.node.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the project version the shade plugin writes into the jar's manifest as
 * {@code Implementation-Version}, so the jar itself says what it is.
 */
final class ManifestVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ManifestVersion.class.getPackage().getImplementationVersion();
        // Classes run from target/classes (tests, an IDE) have no manifest.
        return new String[] {"portcullis " + (version == null ? "(unknown version: not run from portcullis.jar)"
                : version)};
    }
}
