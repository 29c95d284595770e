package dev.mailferry.core.secret;

import java.io.IOException;
import java.util.Optional;

/**
 * Keeps secrets outside the project folder. Keys are opaque strings chosen by the caller, e.g.
 * {@code "<project-id>/mailbox/alice@example.com/source"}.
 */
public interface SecretStore {

    void put(String key, Secret secret) throws IOException;

    Optional<Secret> get(String key) throws IOException;

    void remove(String key) throws IOException;
}
