package dev.mailferry.core.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedFileSecretStoreTest {

    @TempDir
    Path dir;

    @Test
    void storesAndReadsBackAcrossInstances() throws IOException {
        new EncryptedFileSecretStore(dir).put("p1/alice@example.com/source", Secret.of("s3cr3t-ü"));
        EncryptedFileSecretStore reopened = new EncryptedFileSecretStore(dir);
        assertEquals("s3cr3t-ü", reopened.get("p1/alice@example.com/source").orElseThrow().reveal());
        assertEquals(Optional.empty(), reopened.get("p1/bob@example.com/source"));
        reopened.remove("p1/alice@example.com/source");
        assertEquals(Optional.empty(), new EncryptedFileSecretStore(dir).get("p1/alice@example.com/source"));
    }

    @Test
    void fileHoldsNoClearTextAndOnlyTheOwnerCanReadIt() throws IOException {
        new EncryptedFileSecretStore(dir).put("k", Secret.of("VeryVisiblePassword"));
        String stored = new String(Files.readAllBytes(dir.resolve("secrets.bin")), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains("VeryVisiblePassword"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.key"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.bin"))));
    }

    @Test
    void aTamperedFileIsReportedNotMisread() throws IOException {
        new EncryptedFileSecretStore(dir).put("k", Secret.of("v"));
        byte[] bytes = Files.readAllBytes(dir.resolve("secrets.bin"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("secrets.bin"), bytes);
        IOException e = assertThrows(IOException.class, () -> new EncryptedFileSecretStore(dir).get("k"));
        assertTrue(e.getMessage().contains("cannot be decrypted"), e.getMessage());
    }

    @Test
    void secretToStringHidesTheValue() {
        assertEquals("******", Secret.of("hunter2").toString());
    }
}
