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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
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
    void putAllWritesTheFileOnceAndReadsAreServedFromMemoryUntilTheFileChanges() throws IOException {
        EncryptedFileSecretStore store = new EncryptedFileSecretStore(dir);
        Map<String, Secret> many = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            many.put("p1/mailbox/user" + i + "@example.com/source", Secret.of("pw" + i));
        }
        store.putAll(many);
        assertEquals(1, store.fileWrites());
        for (int i = 0; i < 10_000; i++) {
            assertEquals("pw" + i, store.get("p1/mailbox/user" + i + "@example.com/source").orElseThrow().reveal());
        }
        assertEquals(0, store.fileDecryptions(), "what it wrote itself needs no decrypting");

        EncryptedFileSecretStore other = new EncryptedFileSecretStore(dir);
        assertEquals("pw7", other.get("p1/mailbox/user7@example.com/source").orElseThrow().reveal());
        assertEquals("pw8", other.get("p1/mailbox/user8@example.com/source").orElseThrow().reveal());
        assertEquals(1, other.fileDecryptions());

        store.put("p1/mailbox/user7@example.com/source", Secret.of("changed"));
        assertEquals("changed", other.get("p1/mailbox/user7@example.com/source").orElseThrow().reveal());
        assertEquals(2, other.fileDecryptions(), "a change by another instance (or process) is seen");
        Files.delete(dir.resolve("secrets.bin"));
        assertEquals(Optional.empty(), other.get("p1/mailbox/user7@example.com/source"), "a deleted file is seen");
    }

    @Test
    void putAllKeepsWhatWasThereAndTheDefaultMethodLoopsForOtherStores() throws IOException {
        EncryptedFileSecretStore store = new EncryptedFileSecretStore(dir);
        store.put("a", Secret.of("1"));
        store.putAll(Map.of("b", Secret.of("2"), "a", Secret.of("3")));
        assertEquals("3", new EncryptedFileSecretStore(dir).get("a").orElseThrow().reveal());
        assertEquals("2", new EncryptedFileSecretStore(dir).get("b").orElseThrow().reveal());

        Map<String, Secret> plain = new HashMap<>();
        SecretStore simple = new SecretStore() {
            @Override
            public void put(String key, Secret secret) {
                plain.put(key, secret);
            }

            @Override
            public Optional<Secret> get(String key) {
                return Optional.ofNullable(plain.get(key));
            }

            @Override
            public void remove(String key) {
                plain.remove(key);
            }
        };
        simple.putAll(Map.of("x", Secret.of("y")));
        assertEquals(Map.of("x", Secret.of("y")), plain);
    }

    @Test
    void defaultFolderFollowsTheEnvironmentAsLinuxUsersExpect() {
        Map<String, String> env = new HashMap<>();
        String passwdHome = "/home/from-passwd";
        assertEquals(Path.of("/home/from-passwd/.config/mailferry"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome));
        env.put("HOME", "/srv/admin");
        assertEquals(Path.of("/srv/admin/.config/mailferry"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome));
        env.put("XDG_CONFIG_HOME", "relative/config");
        assertEquals(Path.of("/srv/admin/.config/mailferry"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome),
                "the XDG spec says to ignore a relative path");
        env.put("XDG_CONFIG_HOME", "/srv/admin/xdg");
        assertEquals(Path.of("/srv/admin/xdg/mailferry"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome));
        env.put("MAILFERRY_SECRETS_DIR", "/var/lib/mailferry-secrets");
        assertEquals(Path.of("/var/lib/mailferry-secrets"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome));
        assertEquals(Path.of("/tmp/by-property"), EncryptedFileSecretStore.defaultDirectory(env::get, "/tmp/by-property", passwdHome));
        env.put("MAILFERRY_SECRETS_DIR", " ");
        env.put("XDG_CONFIG_HOME", "");
        env.put("HOME", "");
        assertEquals(Path.of("/home/from-passwd/.config/mailferry"), EncryptedFileSecretStore.defaultDirectory(env::get, null, passwdHome));
        assertEquals(dir, new EncryptedFileSecretStore(dir).directory());
    }

    @Test
    void secretToStringHidesTheValue() {
        assertEquals("******", Secret.of("hunter2").toString());
    }
}
