package dev.portcullis.node;

import dev.portcullis.node.roles.RoleCounts;

import java.nio.file.Path;

/**
 * The launcher's command line: {@code [--config FILE] [--roles proxy:2,policy:1,dns:1] [--data-dir DIR] [--help]}.
 * Options may also be written {@code --name=value}. Command-line values override the environment and the file.
 *
 * @param config  the YAML configuration file, or {@code null} for none
 * @param roles   the roles to run, or {@code null} to take them from the configuration
 * @param dataDir the data directory, or {@code null} to take it from the configuration
 * @param help    whether {@code --help} was asked for
 * @param exportCa whether {@code --export-ca} was asked for
 * @param initFleet the directory {@code --init-fleet} fills with fleet credentials, or {@code null}
 */
record Arguments(Path config, RoleCounts roles, Path dataDir, boolean help, boolean exportCa, Path initFleet) {

    static final String USAGE = """
            usage: java -jar portcullis.jar [--config FILE] [--roles ROLES] [--data-dir DIR] [--export-ca]
                                     [--init-fleet DIR]
              --config FILE     YAML configuration (default: none, built-in defaults)
              --roles ROLES     roles and instance counts, e.g. proxy:2,policy:1,dns:1
                                (roles: policy, dns, ca, proxy; default: all, one instance each)
              --data-dir DIR    where the policy file and access log live (default: ./portcullis-data)
              --export-ca       print the root CA certificate (PEM) clients must trust, and exit
              --init-fleet DIR  write fleet credentials for the event bus's mutual TLS into DIR (a fleet CA,
                                and a node certificate for cluster.host), keeping what is there, and exit;
                                configure every member with cluster.tls naming DIR's files
              --help            print this and exit
            Environment overrides: every key as PORTCULLIS_<SECTION>_<KEY>, '.' and '-' written '_'
              (PORTCULLIS_PROXY_IDLE_TIMEOUT=1m, PORTCULLIS_CLUSTER_MEMBERS=10.0.0.1:5701,10.0.0.2:5701);
              see docs/configuration.md. PORTCULLIS_ROLES and PORTCULLIS_DATA_DIR still work.
            Secret from the environment: PORTCULLIS_ADMIN_TOKEN, the admin API's bearer token (or admin.token-file)
            With no arguments: one node with every role on loopback; writes a sample policy to
              ./portcullis-data/policy.yaml if there is none.
            """;

    /**
     * Parses the arguments.
     *
     * @throws UsageException naming the bad argument: an unknown option, a missing value, an option given twice,
     *                        or a bad role list
     */
    static Arguments parse(String... args) {
        Path config = null;
        RoleCounts roles = null;
        Path dataDir = null;
        boolean help = false;
        boolean exportCa = false;
        Path initFleet = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--export-ca" -> exportCa = true;
                case "--config" -> {
                    value = value != null ? value : next(args, ++i, name);
                    config = Path.of(once(config, name, nonEmpty(name, value)));
                }
                case "--init-fleet" -> {
                    value = value != null ? value : next(args, ++i, name);
                    initFleet = Path.of(once(initFleet, name, nonEmpty(name, value)));
                }
                case "--data-dir" -> {
                    value = value != null ? value : next(args, ++i, name);
                    dataDir = Path.of(once(dataDir, name, nonEmpty(name, value)));
                }
                case "--roles" -> {
                    value = value != null ? value : next(args, ++i, name);
                    once(roles, name, value);
                    try {
                        roles = RoleCounts.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--roles: " + e.getMessage());
                    }
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        return new Arguments(config, roles, dataDir, help, exportCa, initFleet);
    }

    private static String next(String[] args, int index, String name) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[index];
    }

    private static String nonEmpty(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException(name + " needs a value");
        }
        return value;
    }

    private static <T> String once(T previous, String name, String value) {
        if (previous != null) {
            throw new UsageException(name + " is given twice");
        }
        return value;
    }
}
