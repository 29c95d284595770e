package dev.mailferry.engine.internal;

/** The state database failed (disk full, file locked by another process, corrupt file). */
public class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
