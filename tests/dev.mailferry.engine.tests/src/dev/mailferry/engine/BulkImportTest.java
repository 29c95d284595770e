package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.Secret;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large mailbox list goes into the encrypted secret store in one write, not one per row. */
class BulkImportTest {

    private static final int MAILBOXES = 10_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandMailboxesWriteTheSecretsFileABoundedNumberOfTimes() throws Exception {
        Path secretsDir = dir.resolve("secrets");
        EncryptedFileSecretStore secrets = new EncryptedFileSecretStore(secretsDir);
        secrets.put("warm-up", Secret.of("x")); // creates the folder, so that it can be watched
        List<MailboxImport> imports = new ArrayList<>();
        for (int i = 0; i < MAILBOXES; i++) {
            imports.add(new MailboxImport(new MailboxEntry("user" + i + "@example.com", "user" + i, null, null),
                    Secret.of("source-" + i), Secret.of("target-" + i)));
        }
        int writes;
        try (MigrationProject project = MigrationProject.create(dir.resolve("project"), "bulk");
                WatchService watcher = FileSystems.getDefault().newWatchService()) {
            secretsDir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            project.putMailboxes(imports, secrets);
            writes = countReplacements(watcher, secretsDir.resolve("secrets.bin"));
            assertEquals(MAILBOXES, project.mailboxes().size());

            EncryptedFileSecretStore reopened = new EncryptedFileSecretStore(secretsDir);
            for (int i : new int[] { 0, 4_321, MAILBOXES - 1 }) {
                MailboxEntry entry = project.mailbox("user" + i + "@example.com").orElseThrow();
                assertEquals("source-" + i, project.sourceCredentials(entry, reopened).password().reveal());
                assertEquals("target-" + i, project.targetCredentials(entry, reopened).password().reveal());
            }
        }
        assertTrue(writes >= 1 && writes <= 2, "the secrets file was written " + writes + " times for " + MAILBOXES
                + " mailboxes");
    }

    /** How often {@code file} was created or renamed into place; an overflow of events counts as too many. */
    private static int countReplacements(WatchService watcher, Path file) throws InterruptedException {
        int count = 0;
        for (WatchKey key = watcher.poll(1, TimeUnit.SECONDS); key != null; key = watcher.poll(1, TimeUnit.SECONDS)) {
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    count += 100_000;
                } else if (file.getFileName().equals(event.context())) {
                    count++;
                }
            }
            key.reset();
        }
        return count;
    }
}
