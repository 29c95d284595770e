package dev.mailferry.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Describes one setting of a connector's {@link dev.mailferry.core.model.Endpoint}: what the command line accepts for
 * {@code --set KEY=VALUE}, what a form shows for it, and how a value is checked before it is saved. Connectors publish
 * theirs through {@link SourceConnector#settings()} and {@link TargetConnector#settings()}.
 *
 * <p>Create one with the factory methods, e.g. {@code ConnectorSetting.port("port", "Port", "TCP port.")} or
 * {@code ConnectorSetting.text("host", "Host", "Host name of the server.").asRequired()}.
 *
 * <p>Secrets (passwords, tokens, client secrets) are described as {@link Type#SECRET} and are never endpoint settings:
 * the engine keeps one secret per endpoint in its {@link dev.mailferry.core.secret.SecretStore} (an admin password, an
 * app's client secret) and hands it to the connector as {@link dev.mailferry.core.model.Credentials#password()}. A key
 * that {@linkplain #looksSecret(String) looks like a secret} is therefore reserved for a {@code SECRET} setting; project
 * files refuse to hold one.
 *
 * @param key          the endpoint setting's key, e.g. {@code port}; letters, digits, '.', '_' and '-'
 * @param label        a short name for people, e.g. "Port"
 * @param type         what values it takes
 * @param required     whether the endpoint is incomplete without it
 * @param defaultValue the value that applies when it is not set, for people to see; {@code null} when there is none or
 *                     it depends on other settings (the help then says so)
 * @param help         one line saying what it does
 * @param minimum      smallest value of an {@link Type#INTEGER} or {@link Type#PORT}, otherwise 0
 * @param maximum      largest value of an {@link Type#INTEGER} or {@link Type#PORT}, otherwise 0
 * @param choices      the allowed values of a {@link Type#CHOICE}, otherwise empty
 */
public record ConnectorSetting(String key, String label, Type type, boolean required, String defaultValue, String help,
        long minimum, long maximum, List<String> choices) {

    /** What values a setting takes, and so how a form asks for it. */
    public enum Type {
        /** One line of text; surrounding blanks are removed. */
        TEXT,
        /** A whole number from {@link ConnectorSetting#minimum()} to {@link ConnectorSetting#maximum()}. */
        INTEGER,
        /** A TCP port, 1 to 65535. */
        PORT,
        /** One of {@link ConnectorSetting#choices()}; case is ignored, the value is saved as listed. */
        CHOICE,
        /** {@code true} or {@code false} (also yes/no, on/off, 1/0); saved as {@code true} or {@code false}. */
        BOOLEAN,
        /** A SHA-256 fingerprint: 64 hex digits, colons, blanks and case ignored; saved as upper-case hex. */
        SHA256,
        /** The path of a file on this computer (a certificate, a key); saved as an absolute path. */
        FILE,
        /** A password, token or client secret: asked for without echo, kept in the secret store, never a setting. */
        SECRET
    }

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+");
    /** Words that make a key look like a secret when they appear anywhere in it (separators and case ignored). */
    private static final List<String> SECRET_PARTS = List.of("password", "passwd", "passphrase", "secret", "token",
            "credential", "apikey", "accesskey", "privatekey");
    /** Words that make a key look like a secret when they are a whole word of it ({@code admin.pass}, {@code smtp-pw}). */
    private static final List<String> SECRET_WORDS = List.of("pass", "pwd", "pw", "pin");

    public ConnectorSetting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        choices = List.copyOf(choices);
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("A setting key is letters, digits, '.', '_' and '-', not '" + key + "'");
        }
        if (type != Type.SECRET && looksSecret(key)) {
            throw new IllegalArgumentException("Setting '" + key + "' looks like a secret, so it must be of type SECRET"
                    + " (project files refuse such keys)");
        }
        if (type == Type.SECRET && defaultValue != null) {
            throw new IllegalArgumentException("Secret setting '" + key + "' cannot have a default");
        }
        if (type == Type.INTEGER || type == Type.PORT) {
            if (minimum > maximum) {
                throw new IllegalArgumentException("Setting '" + key + "': minimum " + minimum + " above maximum " + maximum);
            }
        } else if (minimum != 0 || maximum != 0) {
            throw new IllegalArgumentException("Setting '" + key + "': a range belongs to INTEGER and PORT settings only");
        }
        if ((type == Type.CHOICE) == choices.isEmpty()) {
            throw new IllegalArgumentException("Setting '" + key + "': choices belong to CHOICE settings, which need some");
        }
        if (defaultValue != null) {
            defaultValue = withoutDefault(key, label, type, help, minimum, maximum, choices).validate(defaultValue);
        }
    }

    private static ConnectorSetting withoutDefault(String key, String label, Type type, String help, long minimum,
            long maximum, List<String> choices) {
        return new ConnectorSetting(key, label, type, false, null, help, minimum, maximum, choices);
    }

    /** One line of text. */
    public static ConnectorSetting text(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.TEXT, false, null, help, 0, 0, List.of());
    }

    /** A whole number from {@code minimum} to {@code maximum}. */
    public static ConnectorSetting integer(String key, String label, long minimum, long maximum, String help) {
        return new ConnectorSetting(key, label, Type.INTEGER, false, null, help, minimum, maximum, List.of());
    }

    /** A TCP port, 1 to 65535. */
    public static ConnectorSetting port(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.PORT, false, null, help, 1, 65535, List.of());
    }

    /** One of {@code choices}, which are given as they are saved (lower case, by convention). */
    public static ConnectorSetting choice(String key, String label, String help, String... choices) {
        return new ConnectorSetting(key, label, Type.CHOICE, false, null, help, 0, 0, List.of(choices));
    }

    /** {@code true} or {@code false}. */
    public static ConnectorSetting bool(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.BOOLEAN, false, null, help, 0, 0, List.of());
    }

    /** The SHA-256 fingerprint of a certificate. */
    public static ConnectorSetting sha256(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.SHA256, false, null, help, 0, 0, List.of());
    }

    /** The path of a file on this computer. */
    public static ConnectorSetting file(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.FILE, false, null, help, 0, 0, List.of());
    }

    /** A password, token or client secret (see the class comment: it lives in the secret store). */
    public static ConnectorSetting secret(String key, String label, String help) {
        return new ConnectorSetting(key, label, Type.SECRET, false, null, help, 0, 0, List.of());
    }

    /** This setting, required. */
    public ConnectorSetting asRequired() {
        return new ConnectorSetting(key, label, type, true, defaultValue, help, minimum, maximum, choices);
    }

    /** This setting with a default; fails when the default is not a valid value. */
    public ConnectorSetting withDefault(String value) {
        return new ConnectorSetting(key, label, type, required, Objects.requireNonNull(value, "value"), help, minimum,
                maximum, choices);
    }

    /**
     * Checks a value given for this setting and returns it as it is to be saved (trimmed, a choice as listed, a
     * number without leading zeros, a fingerprint in upper-case hex without colons).
     *
     * @return the normalised value, or {@code null} when {@code value} is {@code null} or blank and the setting is
     *         optional: the setting is then removed and its default applies
     * @throws IllegalArgumentException naming the key and the reason; the message never repeats a secret's value
     */
    public String validate(String value) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new IllegalArgumentException("Setting '" + key + "' is required (" + label + ")");
            }
            return null;
        }
        String v = value.strip();
        return switch (type) {
            case TEXT -> {
                if (v.chars().anyMatch(Character::isISOControl)) {
                    throw invalid(value, "one line of text without control characters");
                }
                yield v;
            }
            case INTEGER, PORT -> {
                long number;
                try {
                    number = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw invalid(value, range());
                }
                if (number < minimum || number > maximum) {
                    throw invalid(value, range());
                }
                yield Long.toString(number);
            }
            case CHOICE -> {
                for (String choice : choices) {
                    if (choice.equalsIgnoreCase(v)) {
                        yield choice;
                    }
                }
                throw invalid(value, "one of " + String.join(", ", choices));
            }
            case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> "true";
                case "false", "no", "off", "0" -> "false";
                default -> throw invalid(value, "true or false");
            };
            case SHA256 -> {
                String hex = v.replaceAll("[:\\s]", "").toUpperCase(Locale.ROOT);
                if (!hex.matches("[0-9A-F]{64}")) {
                    throw invalid(value, "a SHA-256 fingerprint (64 hex digits, colons allowed)");
                }
                yield hex;
            }
            case FILE -> {
                try {
                    yield java.nio.file.Path.of(v).toAbsolutePath().normalize().toString();
                } catch (java.nio.file.InvalidPathException e) {
                    throw invalid(value, "a file path");
                }
            }
            case SECRET -> value; // as typed: blanks may belong to a password
        };
    }

    private String range() {
        return "a whole number from " + minimum + " to " + maximum;
    }

    private IllegalArgumentException invalid(String value, String expected) {
        String given = type == Type.SECRET ? "" : ", not '" + value + "'";
        return new IllegalArgumentException("Setting '" + key + "' must be " + expected + given);
    }

    /**
     * Whether a setting key looks like it holds a secret ({@code password}, {@code admin.pass}, {@code client_secret},
     * {@code api-token}, {@code clientSecret}...). Such keys are kept out of project files whatever a connector says:
     * a secret typed into the wrong place must not end up in plain text.
     */
    public static boolean looksSecret(String key) {
        String words = key.replaceAll("([a-z0-9])([A-Z])", "$1.$2").toLowerCase(Locale.ROOT);
        String joined = words.replaceAll("[^a-z0-9]", "");
        for (String part : SECRET_PARTS) {
            if (joined.contains(part)) {
                return true;
            }
        }
        List<String> split = new ArrayList<>(List.of(words.split("[^a-z0-9]+")));
        split.retainAll(SECRET_WORDS);
        return !split.isEmpty();
    }

    /** The described setting with this key, if any. */
    public static Optional<ConnectorSetting> find(List<ConnectorSetting> settings, String key) {
        return settings.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
