package dev.mailferry.engine.internal;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorSetting;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The human-editable project file: name, id and the two endpoints' connector ids and settings, as UTF-8 properties
 * ({@code source.connector=imap}, {@code source.host=mail.example.com}...). Never holds a secret: keys that
 * {@linkplain ConnectorSetting#looksSecret(String) look like one} are refused when writing and left out of the endpoints
 * when reading (an older Mailferry wrote them; see {@link #secretLines(Path)}).
 */
public record ProjectFile(String id, String name, Endpoint source, Endpoint target) {

    private static final String CONNECTOR = "connector";

    public static ProjectFile read(Path file) throws IOException {
        Properties p = load(file);
        String id = p.getProperty("id");
        String name = p.getProperty("name");
        if (id == null || id.isBlank() || name == null) {
            throw new IOException(file + " is not a Mailferry project file: 'id' and 'name' are required");
        }
        return new ProjectFile(id.trim(), name.trim(), endpoint(p, "source"), endpoint(p, "target"));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /**
     * The lines of a project file whose keys look like secrets (e.g. {@code source.password}, which Mailferry 0.1
     * saved from {@code --set}): property key to value, in key order. {@link #read(Path)} leaves them out of the
     * endpoints, so they are never used; the caller moves them into the secret store.
     */
    public static Map<String, String> secretLines(Path file) throws IOException {
        Properties p = load(file);
        Map<String, String> secrets = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().filter(ConnectorSetting::looksSecret)
                .forEach(key -> secrets.put(key, p.getProperty(key)));
        return secrets;
    }

    private static Endpoint endpoint(Properties p, String prefix) {
        String connector = p.getProperty(prefix + "." + CONNECTOR);
        if (connector == null || connector.isBlank()) {
            return null;
        }
        Map<String, String> settings = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(prefix + ".") && !key.equals(prefix + "." + CONNECTOR) && !ConnectorSetting.looksSecret(key)) {
                settings.put(key.substring(prefix.length() + 1), p.getProperty(key));
            }
        }
        return new Endpoint(connector.trim(), settings);
    }

    /**
     * Writes through a temporary file and a rename, so a crash leaves the old or the new file, never half of one.
     * Refuses (and writes nothing) when a setting's key looks like a secret.
     */
    public void write(Path file) throws IOException {
        refuseSecrets("source", source);
        refuseSecrets("target", target);
        StringBuilder b = new StringBuilder();
        b.append("# Mailferry migration project. Passwords and other secrets are not stored here.\n");
        line(b, "id", id);
        line(b, "name", name);
        endpointLines(b, "source", source);
        endpointLines(b, "target", target);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(b.toString());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void refuseSecrets(String prefix, Endpoint endpoint) throws IOException {
        if (endpoint == null) {
            return;
        }
        for (String key : endpoint.settings().keySet()) {
            if (ConnectorSetting.looksSecret(key)) {
                throw new IOException("refusing to write setting '" + prefix + "." + key + "' into a project file: it looks"
                        + " like a secret, and secrets belong in the secret store");
            }
        }
    }

    private static void endpointLines(StringBuilder b, String prefix, Endpoint endpoint) {
        if (endpoint == null) {
            return;
        }
        b.append('\n');
        line(b, prefix + "." + CONNECTOR, endpoint.connectorId());
        for (Map.Entry<String, String> e : endpoint.settings().entrySet()) {
            line(b, prefix + "." + e.getKey(), e.getValue());
        }
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(escape(key, true)).append('=').append(escape(value, false)).append('\n');
    }

    /** Properties escaping that keeps non-ASCII characters readable (the file is UTF-8). */
    private static String escape(String s, boolean isKey) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                case '=': case ':': case '#': case '!':
                    b.append('\\').append(ch);
                    break;
                case ' ':
                    b.append(isKey || i == 0 ? "\\ " : " ");
                    break;
                default:
                    b.append(ch);
            }
        }
        return b.toString();
    }

    public ProjectFile withSource(Endpoint endpoint) {
        return new ProjectFile(id, name, endpoint, target);
    }

    public ProjectFile withTarget(Endpoint endpoint) {
        return new ProjectFile(id, name, source, endpoint);
    }
}
