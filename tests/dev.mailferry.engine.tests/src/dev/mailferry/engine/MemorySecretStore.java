package dev.mailferry.engine;

import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.secret.SecretStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A secret store that forgets everything: enough for tests. */
final class MemorySecretStore implements SecretStore {

    final Map<String, Secret> secrets = new ConcurrentHashMap<>();

    @Override
    public void put(String key, Secret secret) {
        secrets.put(key, secret);
    }

    @Override
    public Optional<Secret> get(String key) {
        return Optional.ofNullable(secrets.get(key));
    }

    @Override
    public void remove(String key) {
        secrets.remove(key);
    }
}
