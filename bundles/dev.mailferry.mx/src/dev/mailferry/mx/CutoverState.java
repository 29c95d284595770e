package dev.mailferry.mx;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Properties;

/**
 * What the checker remembers between checks, per domain, in a small properties file (a project's
 * {@code mx-cutover.properties}): the moment every authoritative server was first seen serving Exchange Online hosts
 * only, and the TTL of the old MX set as the authoritative servers last served it. Without a file it lives in memory.
 */
final class CutoverState {

    /** The file's name in a project folder. */
    static final String FILE_NAME = "mx-cutover.properties";

    private final Path file;
    private final Properties values = new Properties();

    private CutoverState(Path file) {
        this.file = file;
    }

    static CutoverState load(Path file) {
        CutoverState state = new CutoverState(file);
        if (file != null && Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                state.values.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot read the MX cutover state " + file + ": " + e.getMessage(), e);
            }
        }
        return state;
    }

    Instant firstSeen(String domain) {
        String text = values.getProperty(key(domain, "first-seen-migrated"));
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(file + ": " + key(domain, "first-seen-migrated") + " = '" + text
                    + "' is not an ISO-8601 instant", e);
        }
    }

    void setFirstSeen(String domain, Instant moment) {
        if (moment == null) {
            values.remove(key(domain, "first-seen-migrated"));
        } else {
            values.setProperty(key(domain, "first-seen-migrated"), moment.toString());
        }
    }

    long oldTtl(String domain) {
        String text = values.getProperty(key(domain, "old-mx-ttl"));
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + ": " + key(domain, "old-mx-ttl") + " = '" + text
                    + "' is not a number of seconds", e);
        }
    }

    void setOldTtl(String domain, long seconds) {
        values.setProperty(key(domain, "old-mx-ttl"), Long.toString(seconds));
    }

    /** Writes the file through a temporary file and a rename, so a crash never leaves half of it. */
    void save() {
        if (file == null) {
            return;
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                values.store(writer, "Mailferry MX cutover checker: when each domain's MX change was first seen everywhere"
                        + " on its authoritative servers, and the old MX set's TTL");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the MX cutover state " + file + ": " + e.getMessage(), e);
        }
    }

    private static String key(String domain, String what) {
        return domain.toLowerCase(Locale.ROOT) + "." + what;
    }
}
