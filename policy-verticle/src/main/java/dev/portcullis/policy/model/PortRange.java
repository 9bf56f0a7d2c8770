package dev.portcullis.policy.model;

/**
 * A destination port or an inclusive range of them.
 *
 * @param from lowest port, 1-65535
 * @param to   highest port, {@code from}-65535
 */
public record PortRange(int from, int to) {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    public PortRange {
        checkPort(from);
        checkPort(to);
        if (from > to) {
            throw new IllegalArgumentException("port range must run from low to high, was " + from + "-" + to);
        }
    }

    /** A single port. */
    public static PortRange of(long port) {
        checkPort(port);
        return new PortRange((int) port, (int) port);
    }

    /**
     * Parses {@code "443"} or {@code "8000-8100"}.
     *
     * @throws IllegalArgumentException naming the problem ({@code "port must be 1-65535, was 70000"})
     */
    public static PortRange parse(String text) {
        String trimmed = text.trim();
        int dash = trimmed.indexOf('-', 1);
        if (dash < 0) {
            return of(number(trimmed));
        }
        return new PortRange(checked(number(trimmed.substring(0, dash).trim())),
                checked(number(trimmed.substring(dash + 1).trim())));
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    private static long number(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("port must be a number 1-65535 or a range such as 8000-8100, was '"
                    + text + "'");
        }
        return Long.parseLong(text);
    }

    private static int checked(long port) {
        checkPort(port);
        return (int) port;
    }

    private static void checkPort(long port) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
    }
}
