package dev.portcullis.node.admin;

import dev.portcullis.node.config.AdminSettings;
import dev.portcullis.node.config.ConfigException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's bearer token (RFC 6750), from {@code admin.token-file} or the environment variable
 * {@value AdminSettings#TOKEN_ENV}. An API bound to anything but a loopback address must have one: there it is
 * the only thing between the network and the cluster's decisions, membership and metrics.
 */
public final class AdminToken {

    /** {@value}: shorter tokens are refused, they could be guessed. */
    public static final int MIN_LENGTH = 16;

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * The configured token, if any.
     *
     * @param env the environment, for {@value AdminSettings#TOKEN_ENV}
     * @return the token, or empty when none is configured and the API binds loopback
     * @throws ConfigException naming {@code admin.token-file} when the API binds a non-loopback address without a
     *                         token, or the token is unreadable or shorter than {@value #MIN_LENGTH} characters
     */
    public static Optional<AdminToken> resolve(AdminSettings settings, Map<String, String> env) {
        String token = null;
        String source = null;
        if (settings.tokenFile() != null) {
            source = "admin.token-file " + settings.tokenFile();
            try {
                token = Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(source + " cannot be read: " + e, e);
            }
        } else if (env.get(AdminSettings.TOKEN_ENV) != null && !env.get(AdminSettings.TOKEN_ENV).isBlank()) {
            source = AdminSettings.TOKEN_ENV;
            token = env.get(AdminSettings.TOKEN_ENV).strip();
        }
        if (token == null) {
            if (settings.enabled() && !isLoopback(settings.host())) {
                throw new ConfigException("admin.host " + settings.host() + " is not a loopback address, so the admin "
                        + "API needs a bearer token: set admin.token-file (or " + AdminSettings.TOKEN_ENV + ")");
            }
            return Optional.empty();
        }
        if (token.length() < MIN_LENGTH) {
            throw new ConfigException(source + ": the admin token must be at least " + MIN_LENGTH + " characters");
        }
        return Optional.of(new AdminToken(token));
    }

    /** Whether {@code host} is a loopback address literal ({@code 127.0.0.0/8}, {@code ::1}) or {@code localhost}. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            // A name: resolving it here could give another answer than the bind does; treat it as exposed.
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether {@code presented} is the token. Both are hashed first and the hashes compared in constant time,
     * so neither the content nor the length of the token leaks through the time a refusal takes.
     */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "AdminToken[redacted]";
    }
}
