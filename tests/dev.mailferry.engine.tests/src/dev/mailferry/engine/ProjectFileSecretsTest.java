package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No path puts a secret into the project file, and one an older version put there is moved out, never used. */
class ProjectFileSecretsTest {

    @TempDir
    Path dir;

    @Test
    void theProjectFileRefusesASettingThatLooksSecret() throws Exception {
        Path folder = dir.resolve("refuses");
        try (MigrationProject p = MigrationProject.create(folder, "Refuses")) {
            p.setSourceEndpoint(new Endpoint("imap", Map.of("host", "mail.example.com")));
            byte[] before = Files.readAllBytes(folder.resolve(MigrationProject.PROJECT_FILE));
            for (String key : List.of("password", "admin.password", "client_secret", "api.token")) {
                MigrationException refused = assertThrows(MigrationException.class, () -> p.setTargetEndpoint(
                        new Endpoint("imap", Map.of("host", "mail.example.com", key, "hunter2"))), key);
                assertTrue(refused.getMessage().contains("target." + key), refused.getMessage());
                assertFalse(refused.getMessage().contains("hunter2"), refused.getMessage());
            }
            assertEquals(new String(before, StandardCharsets.UTF_8),
                    Files.readString(folder.resolve(MigrationProject.PROJECT_FILE)));
            assertTrue(p.targetEndpoint().isEmpty());
        }
    }

    @Test
    void aSecretWrittenByAnOlderVersionIsNeverUsedAndMovesIntoTheSecretStore() throws Exception {
        Path folder = dir.resolve("old");
        String id;
        try (MigrationProject p = MigrationProject.create(folder, "Old")) {
            id = p.id();
        }
        Path file = folder.resolve(MigrationProject.PROJECT_FILE);
        Files.writeString(file, Files.readString(file) + "\nsource.connector=imap\nsource.host=mail.example.com\n"
                + "source.password=hunter2\nsource.admin.pass=s3cr3t\n\ntarget.connector=imap\ntarget.host=new.example.com\n"
                + "target.api_token=tok-123\ntarget.password=\n", StandardCharsets.UTF_8);
        MemorySecretStore secrets = new MemorySecretStore();
        try (MigrationProject p = MigrationProject.open(folder)) {
            Endpoint source = p.sourceEndpoint().orElseThrow();
            assertEquals(Map.of("host", "mail.example.com"), source.settings()); // never reaches a connector
            assertEquals(Map.of("host", "new.example.com"), p.targetEndpoint().orElseThrow().settings());

            assertEquals(List.of("source.admin.pass", "source.password", "target.api_token", "target.password"),
                    p.moveSecretsFromProjectFile(secrets));
            assertEquals("hunter2", secrets.get(SecretKeys.movedFromProjectFile(id, "source.password")).orElseThrow().reveal());
            assertEquals("s3cr3t", secrets.get(SecretKeys.movedFromProjectFile(id, "source.admin.pass")).orElseThrow().reveal());
            assertEquals("tok-123", secrets.get(SecretKeys.movedFromProjectFile(id, "target.api_token")).orElseThrow().reveal());
            assertEquals(3, secrets.secrets.size()); // nothing for an empty value, and nothing in use: no endpoint secret
            assertNull(secrets.secrets.get(SecretKeys.sourceEndpoint(id)));

            String rewritten = Files.readString(file);
            for (String gone : List.of("hunter2", "s3cr3t", "tok-123", "password", "pass=", "api_token")) {
                assertFalse(rewritten.contains(gone), gone + " still in:\n" + rewritten);
            }
            assertTrue(rewritten.contains("source.host=mail.example.com"), rewritten);
            assertTrue(rewritten.contains("target.host=new.example.com"), rewritten);
            assertEquals(List.of(), p.moveSecretsFromProjectFile(secrets));
        }
        try (MigrationProject p = MigrationProject.open(folder)) {
            assertEquals(List.of(), p.moveSecretsFromProjectFile(secrets));
            assertEquals("mail.example.com", p.sourceEndpoint().orElseThrow().get("host"));
        }
    }
}
