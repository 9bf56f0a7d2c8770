package dev.portcullis.node.transparent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A workload's network namespace joined to this host by a veth pair, whose outbound TCP to one port is
 * redirected to the gateway's transparent listener, as a deployment's REDIRECT rule would do:
 * <pre>
 *   [ns: client 10.R.S.2] ──veth── [host: gateway 10.R.S.1, "elsewhere" 10.R.S.9 and 10.R.S.10]
 *   ns: iptables -t nat -A OUTPUT -p tcp --dport 443 -j DNAT --to-destination 10.R.S.1:LISTENER
 * </pre>
 * Everything lives in objects this class creates (the namespace, the veth pair, their addresses), and closing
 * deletes the namespace, which takes the pair and the rule with it; rules added on this host's side
 * ({@link #redirectAtGateway}) name the pair's host end only and are deleted on close too. Needs root (CI runs
 * as root) and iproute2 + iptables; when they are missing the test fails loudly, it never skips.
 */
final class ClientNamespace implements AutoCloseable {

    private final String name;
    private final String hostSide;
    private final String subnet;
    /** Rules added to this host's own nat table, deleted again on close. */
    private final List<List<String>> hostRules = new ArrayList<>();

    private ClientNamespace(String name, String hostSide, String subnet) {
        this.name = name;
        this.hostSide = hostSide;
        this.subnet = subnet;
    }

    /**
     * Creates the namespace and the veth pair with a random 10.x.y.0/24 subnet.
     *
     * @throws IllegalStateException naming the command and its output when any step fails
     */
    static ClientNamespace create() {
        SecureRandom random = new SecureRandom();
        String id = Integer.toHexString(0x100000 + random.nextInt(0xeffff));
        String subnet = "10." + (200 + random.nextInt(50)) + "." + random.nextInt(256);
        ClientNamespace ns = new ClientNamespace("pc-" + id, "pcg" + id, subnet);
        String clientSide = "pcc" + id;
        try {
            run("ip", "netns", "add", ns.name);
            run("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", clientSide);
            run("ip", "link", "set", clientSide, "netns", ns.name);
            run("ip", "addr", "add", ns.gatewayAddress() + "/24", "dev", ns.hostSide);
            run("ip", "addr", "add", ns.elsewhereAddress() + "/32", "dev", ns.hostSide);
            run("ip", "addr", "add", ns.secondElsewhereAddress() + "/32", "dev", ns.hostSide);
            run("ip", "link", "set", ns.hostSide, "up");
            ns.exec("ip", "addr", "add", subnet + ".2/24", "dev", clientSide);
            ns.exec("ip", "link", "set", clientSide, "up");
            ns.exec("ip", "link", "set", "lo", "up");
            ns.exec("ip", "route", "add", "default", "via", ns.gatewayAddress());
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The namespace's name, for {@code ip netns exec}. */
    String name() {
        return name;
    }

    /** The host's end of the pair: where the gateway listens. */
    String gatewayAddress() {
        return subnet + ".1";
    }

    /** Another host address the client can reach: a forbidden origin lives here. */
    String elsewhereAddress() {
        return subnet + ".9";
    }

    /** A third host address the client can reach, for a second origin. */
    String secondElsewhereAddress() {
        return subnet + ".10";
    }

    /**
     * Redirects what the namespace sends to {@code port} ({@code tcp} or {@code udp}) at the gateway's side: a
     * REDIRECT in this host's {@code nat PREROUTING}, limited to the pair's host end, so this host's connection
     * tracking knows each connection's original destination (as on a gateway that routes for its workloads).
     */
    void redirectAtGateway(String protocol, int port, int listenerPort) {
        List<String> rule = List.of("PREROUTING", "-i", hostSide, "-p", protocol, "--dport", Integer.toString(port),
                "-j", "REDIRECT", "--to-ports", Integer.toString(listenerPort));
        List<String> add = new ArrayList<>(List.of("iptables", "-t", "nat", "-A"));
        add.addAll(rule);
        run(add.toArray(String[]::new));
        hostRules.add(rule);
    }

    /** Makes the namespace's resolver the gateway ({@code ip netns exec} mounts /etc/netns/NAME/resolv.conf). */
    void resolveThroughGateway() {
        try {
            Path dir = Path.of("/etc/netns", name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"),
                    "nameserver " + gatewayAddress() + "\noptions timeout:2 attempts:1\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write /etc/netns/" + name + "/resolv.conf (needs root)", e);
        }
    }

    /** Redirects the namespace's outbound TCP to {@code port} to the gateway's {@code listenerPort}. */
    void redirect(int port, int listenerPort) {
        exec("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "--dport", Integer.toString(port),
                "-j", "DNAT", "--to-destination", gatewayAddress() + ":" + listenerPort);
    }

    /** Runs {@code command} inside the namespace and returns its output. */
    String exec(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** The command line that runs {@code command} inside the namespace. */
    List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    @Override
    public void close() {
        for (List<String> rule : hostRules) {
            List<String> delete = new ArrayList<>(List.of("iptables", "-t", "nat", "-D"));
            delete.addAll(rule);
            try {
                run(delete.toArray(String[]::new));
            } catch (RuntimeException e) {
                // Gone already; nothing else refers to it.
            }
        }
        Path netnsDir = Path.of("/etc/netns", name);
        try {
            Files.deleteIfExists(netnsDir.resolve("resolv.conf"));
            Files.deleteIfExists(netnsDir);
        } catch (IOException e) {
            // Left behind in /etc/netns: harmless, named after a namespace that no longer exists.
        }
        try {
            run("ip", "netns", "del", name);
        } catch (RuntimeException e) {
            // Already gone or never made; the veth pair goes with the namespace either way.
        }
        try {
            run("ip", "link", "del", hostSide);
        } catch (RuntimeException e) {
            // Usually gone with the namespace already.
        }
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("did not finish in 20 s: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("network namespace set-up failed (the test needs root, iproute2"
                        + " and iptables): `" + String.join(" ", command) + "` exited " + process.exitValue()
                        + ": " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command)
                    + " (the test needs iproute2 and iptables installed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
