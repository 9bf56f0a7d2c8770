package dev.portcullis.node.roles;

/** A role's verticle could not be deployed; the message names the role and says why. */
public final class RoleStartException extends RuntimeException {

    private final Role role;

    public RoleStartException(Role role, Throwable cause) {
        super("role " + role + " failed to start: " + describe(cause), cause);
        this.role = role;
    }

    /** The role that failed. */
    public Role role() {
        return role;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getName() : message;
    }
}
