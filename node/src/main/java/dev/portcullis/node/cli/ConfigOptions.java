package dev.portcullis.node.cli;

import dev.portcullis.node.config.ConfigLoader;
import dev.portcullis.node.config.LoadedConfig;
import dev.portcullis.node.config.NodeConfig;
import dev.portcullis.node.roles.RoleCounts;
import io.vertx.core.Vertx;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options that say which configuration a command works on, shared by every command as a picocli mixin.
 * Command-line values override the environment and the file. The setters check their value at parse time, so a
 * bad one is a usage error (exit 2) naming the option.
 */
public final class ConfigOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    private final List<Path> configFiles = new ArrayList<>();
    private RoleCounts roles;
    private Path dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = {"YAML configuration (default: none, built-in defaults); may be given several times:",
                    "later files override earlier ones key by key (e.g. a site overlay on a generated file)"})
    void setConfigFiles(List<String> values) {
        // picocli calls this with all values given so far, once per occurrence.
        configFiles.clear();
        values.forEach(value -> configFiles.add(path("--config", value)));
    }

    @Option(names = "--roles", paramLabel = "ROLES",
            description = {"roles and instance counts, e.g. proxy:2,policy:1,dns:1",
                    "(roles: policy, dns, ca, proxy; default: all, one instance each)"})
    void setRoles(String value) {
        try {
            roles = RoleCounts.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--roles: " + e.getMessage());
        }
    }

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"where the policy file, the access log and a generated CA live",
                    "(default: ./portcullis-data)"})
    void setDataDir(String value) {
        dataDir = path("--data-dir", value);
    }

    /** The YAML files in the order they apply (later ones override earlier ones); empty for none. */
    public List<Path> configFiles() {
        return List.copyOf(configFiles);
    }

    /** The roles to run, or {@code null} to take them from the configuration. */
    public RoleCounts roles() {
        return roles;
    }

    /** The data directory, or {@code null} to take it from the configuration. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * These options, each one not given here taken from {@code outer}: {@code --config x check} and
     * {@code check --config x} mean the same. Files given on both sides apply in command-line order (outer first).
     */
    ConfigOptions orElse(ConfigOptions outer) {
        ConfigOptions merged = new ConfigOptions();
        merged.command = command;
        merged.configFiles.addAll(outer.configFiles);
        merged.configFiles.addAll(configFiles);
        merged.roles = roles != null ? roles : outer.roles;
        merged.dataDir = dataDir != null ? dataDir : outer.dataDir;
        return merged;
    }

    /**
     * Reads and checks the configuration as the node does: defaults, the file, the environment, these options.
     *
     * @throws dev.portcullis.node.config.ConfigException naming where the bad value came from and its key
     */
    public NodeConfig load() {
        // vertx-config needs a Vert.x; the clustered one cannot exist before its settings are read.
        Vertx loader = Vertx.vertx();
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.loadFiles(loader, configFiles).await();
        } finally {
            loader.close().await();
        }
        if (roles != null) {
            loaded = loaded.withFlag("node", "roles", roles.spec(), "--roles");
        }
        if (dataDir != null) {
            loaded = loaded.withFlag("node", "data-dir", dataDir.toString(), "--data-dir");
        }
        return loaded.validate();
    }

    /** A path option's value; an empty one ({@code --data-dir=}) is refused rather than read as the working directory. */
    private Path path(String option, String value) {
        if (value.isBlank()) {
            throw new ParameterException(command.commandLine(), option + " needs a value");
        }
        return Path.of(value);
    }
}
