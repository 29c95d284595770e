package dev.mailferry.app.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.engine.EngineSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what {@code source set} / {@code target set} is given against the settings the connector describes (and
 * those the engine reads for every connector), before anything is saved: unknown keys, secrets and bad values are
 * usage errors naming the option and the reason.
 */
final class EndpointSettings {

    static final String SECRET_OPTIONS = "--password (asks for it), --password-env VARIABLE or --password-file FILE";

    /** The settings that {@code set} has an option of its own for. */
    private static final Map<String, String> NAMED_OPTIONS = Map.of(ImapSettings.HOST, "--host HOST", ImapSettings.PORT,
            "--port N", ImapSettings.SECURITY, "--security none|ssl|starttls", ImapSettings.AUTH, "--auth plain|login", ImapSettings.ADMIN_USER,
            "--admin-user USER", ImapSettings.ADMIN_MODE, "--admin-mode master|authzid", ImapSettings.ADMIN_SEPARATOR,
            "--admin-separator CHAR", ImapSettings.TLS_TRUST, "--trust-cert SHA256", Endpoint.MAX_CONNECTIONS,
            "--max-connections N");

    private final String role;
    private final String connectorId;
    /** The connector's own description; empty when it publishes none, then only secrets are refused. */
    private final List<ConnectorSetting> described;
    private final List<ConnectorSetting> known;

    EndpointSettings(String role, String connectorId, List<ConnectorSetting> described) {
        this.role = role;
        this.connectorId = connectorId;
        this.described = List.copyOf(described);
        List<ConnectorSetting> all = new ArrayList<>(described);
        all.addAll(EngineSettings.all());
        this.known = List.copyOf(all);
    }

    /**
     * The endpoint with {@code key} set to {@code value} (removed when empty), checked; unchanged when {@code value} is
     * {@code null} (the option was not given).
     *
     * @param option how the user gave it, for messages: {@code --port} or {@code --set key}
     */
    Endpoint apply(Endpoint endpoint, String option, String key, String value) {
        if (value == null) {
            return endpoint;
        }
        Optional<ConnectorSetting> setting = ConnectorSetting.find(known, key);
        if (ConnectorSetting.looksSecret(key) || setting.map(s -> s.type() == ConnectorSetting.Type.SECRET).orElse(false)) {
            throw usage(option + ": secrets are never saved in the project. Give the " + role + "'s password with "
                    + SECRET_OPTIONS + " (kept in the secret store); mailbox passwords come from the CSV");
        }
        if (value.isBlank()) {
            if (setting.isPresent() && setting.get().required()) {
                throw usage(option + ": the " + role + " needs '" + key + "' (" + setting.get().label() + "); it cannot be removed");
            }
            return endpoint.with(key, null); // removing is allowed for any key, also one saved by an older version
        }
        if (EngineSettings.perMailbox().contains(key)) {
            throw usage(option + ": '" + key + "' is set per mailbox, from the CSV's UserRoot column");
        }
        if (setting.isEmpty()) {
            if (!described.isEmpty()) {
                throw usage(option + ": the " + connectorId + " connector has no setting '" + key + "' for a " + role
                        + "; known: " + keys());
            }
            return endpoint.with(key, value.strip()); // the connector does not describe its settings
        }
        try {
            return endpoint.with(key, setting.get().validate(value));
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    /**
     * Fails unless every setting the endpoint would be saved with is known and valid and every required one is there:
     * settings saved by an older version that accepted anything are caught here, with how to fix them.
     */
    void checkComplete(Endpoint endpoint) {
        for (ConnectorSetting setting : described) {
            if (setting.required() && endpoint.get(setting.key(), null) == null) {
                throw usage("the " + role + " needs '" + setting.key() + "' (" + setting.label() + "): give it with "
                        + option(setting.key()));
            }
        }
        for (Map.Entry<String, String> e : endpoint.settings().entrySet()) {
            Optional<ConnectorSetting> setting = ConnectorSetting.find(known, e.getKey());
            if (setting.isEmpty()) {
                if (!described.isEmpty() || EngineSettings.perMailbox().contains(e.getKey())) {
                    throw new CommandFailure(ExitCodes.CONFIGURATION, "the " + role + "'s saved setting '" + e.getKey()
                            + "' is unknown to the " + connectorId + " connector (known: " + keys() + "); remove it with: "
                            + "mailferry " + role + " set --set " + e.getKey() + "=");
                }
                continue;
            }
            try {
                setting.get().validate(e.getValue());
            } catch (IllegalArgumentException invalid) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, "a saved setting of the " + role + " is not valid: "
                        + invalid.getMessage() + "; correct it with: mailferry " + role + " set " + option(e.getKey()));
            }
        }
    }

    private String keys() {
        StringBuilder text = new StringBuilder();
        for (ConnectorSetting setting : known) {
            if (setting.type() != ConnectorSetting.Type.SECRET) {
                text.append(text.length() == 0 ? "" : ", ").append(setting.key());
            }
        }
        return text.toString();
    }

    /** How to give a setting on the command line: its own option of {@code set}, else {@code --set}. */
    private static String option(String key) {
        return NAMED_OPTIONS.getOrDefault(key, "--set " + key + "=VALUE");
    }

    private static CommandFailure usage(String message) {
        return new CommandFailure(ExitCodes.USAGE, message);
    }
}
