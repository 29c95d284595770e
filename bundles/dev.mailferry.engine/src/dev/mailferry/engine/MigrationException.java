package dev.mailferry.engine;

/** A project or batch operation failed; the message is for the user and never holds a secret. */
public class MigrationException extends Exception {

    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
