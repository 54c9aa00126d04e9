package dev.detour.cli;

/** A failure the user can fix; the CLI prints its message as one line (the stack only with --verbose). */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
