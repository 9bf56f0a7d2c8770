package dev.portcullis.node.roles;

import dev.portcullis.ca.CaVerticle;
import dev.portcullis.dns.DnsVerticle;
import dev.portcullis.policy.PolicyVerticle;
import dev.portcullis.proxy.ProxyVerticle;
import io.vertx.core.Deployable;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A role a node can run. Each role is one verticle from its own module that takes the config section of the
 * same name ({@code policy:}, {@code dns:}, {@code ca:}, {@code proxy:}) as its {@code config()}.
 *
 * <p>Declaration order is deployment order: the proxy comes last so that, on a node that runs everything, the
 * policy and dns roles are answering before the first connection is accepted.
 */
public enum Role {
    POLICY("policy", PolicyVerticle::new),
    DNS("dns", DnsVerticle::new),
    CA("ca", CaVerticle::new),
    PROXY("proxy", ProxyVerticle::new);

    private final String key;
    private final Supplier<Deployable> verticle;

    Role(String key, Supplier<Deployable> verticle) {
        this.key = key;
        this.verticle = verticle;
    }

    /** The role's name on the command line and its config section's key. */
    public String key() {
        return key;
    }

    /** Makes a new instance of the role's verticle; called once per deployed instance. */
    public Supplier<Deployable> verticle() {
        return verticle;
    }

    /** The names of all roles, in deployment order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Role::key).toList();
    }

    /**
     * The role called {@code name}.
     *
     * @throws IllegalArgumentException naming the known roles when there is none of that name
     */
    public static Role byKey(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.key.equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name.trim() + "' (known roles: "
                + String.join(", ", keys()) + ")");
    }

    @Override
    public String toString() {
        return key;
    }
}
