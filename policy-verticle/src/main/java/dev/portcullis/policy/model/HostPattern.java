package dev.portcullis.policy.model;

import dev.portcullis.api.host.HostName;
import dev.portcullis.api.host.InvalidHostException;
import dev.portcullis.policy.net.Cidr;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of a rule's {@code hosts}. Names and IP literals never cross over: name patterns (exact, wildcard,
 * regex) match only DNS names, address patterns match only IP literals, and only {@code "*"} matches both. So a
 * loose regex cannot open raw-IP access, and a CIDR cannot be reached by naming a host that resolves into it.
 */
public sealed interface HostPattern {

    /** The prefix that marks a regular expression. */
    String REGEX_PREFIX = "re:";
    /** The prefix that marks a wildcard: one or more labels below the rest. */
    String WILDCARD_PREFIX = "*.";

    /** The pattern as written in the policy file. */
    String text();

    /**
     * Reference semantics, used by tests as the oracle for the compiled matcher.
     *
     * @param host the destination, normalised with {@link HostName#parse}
     * @param ip   the destination's address bytes when it is an IP literal, else {@code null}
     */
    boolean matches(String host, byte[] ip);

    /**
     * Reads a pattern: {@code "*"}, {@code "*.example.com"}, {@code "re:<java regex>"}, a CIDR, an IP literal
     * (a single-address range) or an exact host name. Names are normalised with {@link HostName#parse}.
     *
     * @throws IllegalArgumentException naming the problem, fit for {@code file:line: reason}
     */
    static HostPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty host pattern");
        }
        if (text.equals("*")) {
            return new AnyHost();
        }
        if (text.startsWith(REGEX_PREFIX)) {
            return Regex.compile(text);
        }
        if (text.indexOf('/') >= 0) {
            return new Address(text, Cidr.parse(text));
        }
        boolean wildcard = text.startsWith(WILDCARD_PREFIX);
        String name = wildcard ? text.substring(WILDCARD_PREFIX.length()) : text;
        if (name.indexOf('*') >= 0) {
            throw new IllegalArgumentException("invalid host pattern '" + text
                    + "': '*' is allowed only as a whole first label ('*.example.com') or alone ('*')");
        }
        HostName host;
        try {
            host = HostName.parse(name);
        } catch (InvalidHostException e) {
            throw new IllegalArgumentException("invalid host pattern '" + text + "': " + e.getMessage());
        }
        if (host.isIp()) {
            if (wildcard) {
                throw new IllegalArgumentException("invalid host pattern '" + text
                        + "': a wildcard needs a host name, not an IP address (use a CIDR for address ranges)");
            }
            return new Address(text, Cidr.parse(host.value()));
        }
        return wildcard ? new Wildcard(text, host.value()) : new Exact(text, host.value());
    }

    /** {@code "*"}: any destination, name or IP literal. */
    record AnyHost() implements HostPattern {
        @Override
        public String text() {
            return "*";
        }

        @Override
        public boolean matches(String host, byte[] ip) {
            return true;
        }
    }

    /** One host name, normalised. */
    record Exact(String text, String name) implements HostPattern {
        @Override
        public boolean matches(String host, byte[] ip) {
            return ip == null && host.equals(name);
        }
    }

    /** {@code *.suffix}: one or more labels below {@code suffix}, never {@code suffix} itself. */
    record Wildcard(String text, String suffix) implements HostPattern {
        @Override
        public boolean matches(String host, byte[] ip) {
            return ip == null && host.length() > suffix.length() + 1 && host.endsWith(suffix)
                    && host.charAt(host.length() - suffix.length() - 1) == '.';
        }
    }

    /** {@code re:<regex>}, matched against the whole normalised name. */
    record Regex(String text, Pattern pattern) implements HostPattern {
        static Regex compile(String text) {
            String expression = text.substring(REGEX_PREFIX.length());
            if (expression.isEmpty()) {
                throw new IllegalArgumentException("invalid regex '" + text + "': empty expression");
            }
            try {
                return new Regex(text, Pattern.compile(expression));
            } catch (PatternSyntaxException e) {
                // getMessage() spans several lines with a caret; one line reads better in file:line: reason.
                throw new IllegalArgumentException("invalid regex '" + text + "': " + e.getDescription()
                        + " near index " + e.getIndex());
            }
        }

        @Override
        public boolean matches(String host, byte[] ip) {
            return ip == null && pattern.matcher(host).matches();
        }
    }

    /** A CIDR or single IP: matches IP-literal destinations inside it. */
    record Address(String text, Cidr cidr) implements HostPattern {
        @Override
        public boolean matches(String host, byte[] ip) {
            return ip != null && cidr.contains(ip);
        }
    }
}
