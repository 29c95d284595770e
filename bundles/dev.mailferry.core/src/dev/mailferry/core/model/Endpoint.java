package dev.mailferry.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A source or target system: which connector talks to it and that connector's settings (host, port, security...).
 * Settings are plain strings so that a connector installed later can define its own; they never hold secrets, which
 * live in a {@link dev.mailferry.core.secret.SecretStore}.
 */
public record Endpoint(String connectorId, Map<String, String> settings) {

    /**
     * Setting understood by the engine for every connector: the most connections Mailferry opens to this endpoint at
     * once, all mailboxes of a batch together (servers and Office 365 throttle per client). Absent means no cap.
     */
    public static final String MAX_CONNECTIONS = "connections.max";

    public Endpoint {
        Objects.requireNonNull(connectorId, "connectorId");
        settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    public String get(String key) {
        return settings.get(key);
    }

    public String get(String key, String defaultValue) {
        String value = settings.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public int getInt(String key, int defaultValue) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting '" + key + "' must be a whole number, not '" + value + "'");
        }
    }

    public Endpoint with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(settings);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new Endpoint(connectorId, copy);
    }
}
