package dev.portcullis.bench;

import java.util.List;
import java.util.Locale;

/**
 * Formats the idle-tunnels results as a markdown table, one row per target: tunnels open, heap in use after a full GC
 * and RSS, before and with the tunnels open, and each per tunnel. Below it, one line per kind of error and per note.
 */
final class IdleTable {

    private static final double MIB = 1024.0 * 1024;

    private final List<IdleResult> results;

    IdleTable(List<IdleResult> results) {
        this.results = results;
    }

    /** The paragraph under the scenario's heading. */
    static String describe(int tunnels, String host, int port) {
        return tunnels + " tunnels opened through each target (" + IdleRun.OPENERS + " at a time) with CONNECT "
                + host + ":" + port
                + " to a holding origin in the bench, which echoes one 5-byte ping per tunnel and keeps it open;"
                + " then the target's memory is read with all of them open and idle, and they are closed."
                + " Heap = in use after a full GC (jcmd GC.run, jstat -gc; JVMs only); RSS = VmRSS of the process"
                + " tree; per tunnel = (with - before) / tunnels open.";
    }

    /** The table and the lines below it, ending with a newline. */
    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| target | tunnels open | heap before MiB | heap with MiB | heap KiB/tunnel | RSS before MiB"
                + " | RSS with MiB | RSS KiB/tunnel | opening s | errors |\n");
        out.append("| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: |\n");
        for (IdleResult r : results) {
            out.append("| ").append(r.target())
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", r.opened()))
                    .append(" | ").append(mib(r.before() == null ? null : r.before().heapBytes()))
                    .append(" | ").append(mib(r.with() == null ? null : r.with().heapBytes()))
                    .append(" | ").append(kib(r.heapPerTunnel()))
                    .append(" | ").append(mib(r.before() == null ? null : r.before().rssBytes()))
                    .append(" | ").append(mib(r.with() == null ? null : r.with().rssBytes()))
                    .append(" | ").append(kib(r.rssPerTunnel()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", r.openSeconds()))
                    .append(" | ").append(r.errorCount())
                    .append(" |\n");
        }
        for (IdleResult r : results) {
            String where = "- " + r.target() + ": ";
            r.errors().forEach((kind, n) -> out.append(where).append(n).append(" × ").append(kind).append('\n'));
            if (!r.notes().isEmpty()) {
                out.append(where).append(r.notes()).append('\n');
            }
        }
        return out.toString();
    }

    /** The numbers of one result as a progress line. */
    static String progress(IdleResult r) {
        return "idle-tunnels " + r.target() + ": " + r.opened() + " of " + r.requested() + " open in "
                + String.format(Locale.ROOT, "%.1f", r.openSeconds()) + " s, heap " + kib(r.heapPerTunnel())
                + " KiB/tunnel, RSS " + kib(r.rssPerTunnel()) + " KiB/tunnel, errors " + r.errorCount()
                + (r.notes().isEmpty() ? "" : " (" + r.notes() + ")");
    }

    private static String mib(Long bytes) {
        return bytes == null ? "-" : String.format(Locale.ROOT, "%,.1f", bytes / MIB);
    }

    private static String kib(Double bytes) {
        return bytes == null ? "-" : String.format(Locale.ROOT, "%,.1f", bytes / 1024);
    }
}
