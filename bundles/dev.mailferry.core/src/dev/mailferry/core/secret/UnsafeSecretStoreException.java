package dev.mailferry.core.secret;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The secret store refuses a file that others can read or change, or that belongs to another user. The message names
 * the file, what is wrong and how to fix it; it never holds a secret.
 */
public final class UnsafeSecretStoreException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public UnsafeSecretStoreException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The file or folder refused. */
    public Path file() {
        return file;
    }
}
