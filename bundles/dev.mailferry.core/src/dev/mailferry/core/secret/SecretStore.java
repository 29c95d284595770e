package dev.mailferry.core.secret;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps secrets outside the project folder. Keys are opaque strings chosen by the caller, e.g.
 * {@code "<project-id>/mailbox/alice@example.com/source"}.
 */
public interface SecretStore {

    void put(String key, Secret secret) throws IOException;

    /**
     * Stores all of them, as {@link #put} would one by one. Stores that write a whole file per change do it once here
     * (a CSV import hands over two secrets per mailbox).
     */
    default void putAll(Map<String, Secret> secrets) throws IOException {
        for (Map.Entry<String, Secret> e : secrets.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    Optional<Secret> get(String key) throws IOException;

    void remove(String key) throws IOException;
}
