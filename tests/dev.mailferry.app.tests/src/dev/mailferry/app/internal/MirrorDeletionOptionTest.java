package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch create --mirror-deletions}: off unless given, stored with the batch, shown by {@code batch status}. */
class MirrorDeletionOptionTest {

    @TempDir
    Path root;

    @Test
    void mirrorDeletionIsOffUnlessAskedForAndShownWhereTheBatchIsShown() throws IOException {
        // the passwords imported below go to a throwaway secret store, never the user's
        System.setProperty(dev.mailferry.core.secret.EncryptedFileSecretStore.DIRECTORY_PROPERTY,
                root.resolve("secrets").toString());
        String project = root.resolve("mirror").toString();
        assertEquals(0, mailferry("project", "create", project).exitCode());
        // endpoints nobody listens on: nothing here connects
        assertEquals(0, mailferry("source", "set", "-p", project, "--host", "127.0.0.1", "--port", "9", "--security",
                "none").exitCode());
        assertEquals(0, mailferry("target", "set", "-p", project, "--host", "127.0.0.1", "--port", "9", "--security",
                "none").exitCode());
        Path csv = root.resolve("mailboxes.csv");
        Files.writeString(csv, "EmailAddress,UserName,Password\nann@example.org,ann,pw1\n");
        CommandRun imported = mailferry("mailboxes", "import", "-p", project, csv.toString());
        assertEquals(0, imported.exitCode(), imported.all());

        CommandRun plain = mailferry("batch", "create", "-p", project, "plain");
        assertEquals(ExitCodes.OK, plain.exitCode(), plain.all());
        assertFalse(plain.out().contains("Mirror deletion"), plain.all());
        CommandRun mirrored = mailferry("batch", "create", "-p", project, "mirrored", "--mirror-deletions");
        assertEquals(ExitCodes.OK, mirrored.exitCode(), mirrored.all());
        assertTrue(mirrored.out().contains("Mirror deletion is on: messages expunged on the source are deleted on the"
                + " target."), mirrored.all());

        CommandRun plainStatus = mailferry("batch", "status", "-p", project, "plain");
        assertEquals(ExitCodes.OK, plainStatus.exitCode(), plainStatus.all());
        assertFalse(plainStatus.out().contains("Mirror deletion"), plainStatus.all());
        CommandRun mirroredStatus = mailferry("batch", "status", "-p", project, "mirrored");
        assertEquals(ExitCodes.OK, mirroredStatus.exitCode(), mirroredStatus.all());
        assertTrue(mirroredStatus.out().contains("Mirror deletion is on"), mirroredStatus.all());

        CommandRun help = mailferry("batch", "create", "--help");
        assertTrue(help.out().contains("--mirror-deletions") && help.out().contains("off by default"), help.all());
    }
}
