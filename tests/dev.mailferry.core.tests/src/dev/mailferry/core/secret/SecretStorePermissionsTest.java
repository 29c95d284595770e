package dev.mailferry.core.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File modes and ownership of the secret store, checked on the real file system. */
class SecretStorePermissionsTest {

    @TempDir
    Path home;

    private final List<String> warnings = new ArrayList<>();

    private EncryptedFileSecretStore store(Path dir) {
        return new EncryptedFileSecretStore(dir, warnings::add);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void createsItsFolderAndTheMissingConfigFolderPrivateAndEveryFileOwnerOnly() throws IOException {
        Path config = home.resolve(".config");
        Path dir = config.resolve("mailferry");
        store(dir).put("k", Secret.of("v"));
        assertEquals("rwx------", mode(config));
        assertEquals("rwx------", mode(dir));
        for (String file : List.of("secrets.key", "secrets.bin", "secrets.lock")) {
            assertEquals("rw-------", mode(dir.resolve(file)), file);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("secrets.bin", "secrets.key", "secrets.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void anExistingConfigFolderKeepsItsMode() throws IOException {
        Path config = Files.createDirectory(home.resolve(".config"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        store(config.resolve("mailferry")).put("k", Secret.of("v"));
        assertEquals("rwxr-xr-x", mode(config));
        assertEquals("rwx------", mode(config.resolve("mailferry")));
    }

    @Test
    void aFolderOthersCanEnterIsMadePrivateWithAWarning() throws IOException {
        Path dir = home.resolve("secrets");
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        store(dir).put("k", Secret.of("v"));
        assertEquals("rwx------", mode(dir));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(dir.toString()) && warnings.get(0).contains("rwxr-xr-x")
                && warnings.get(0).contains("700"), warnings.get(0));
        assertEquals("v", store(dir).get("k").orElseThrow().reveal());
        assertEquals(1, warnings.size(), "repaired once, then quiet: " + warnings);
    }

    @Test
    void aKeyOthersCanReadIsRefusedNamingTheFileTheProblemAndTheFix() throws IOException {
        Path dir = home.resolve("secrets");
        store(dir).put("k", Secret.of("v"));
        Path key = dir.resolve("secrets.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        UnsafeSecretStoreException e = assertThrows(UnsafeSecretStoreException.class, () -> store(dir).get("k"));
        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600 " + key), e.getMessage());
        assertTrue(e.getMessage().contains("may have been exposed"), e.getMessage());
        assertThrows(UnsafeSecretStoreException.class, () -> store(dir).put("k2", Secret.of("v2")));
        assertEquals("rw-r--r--", mode(key), "refused, not silently changed");

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertEquals("v", store(dir).get("k").orElseThrow().reveal());
    }

    @Test
    void aDataFileOthersCanReadOrWriteIsRefused() throws IOException {
        Path dir = home.resolve("secrets");
        store(dir).put("k", Secret.of("v"));
        Path data = dir.resolve("secrets.bin");
        for (String wide : List.of("rw-r-----", "rw--w----", "rw-----w-")) {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString(wide));
            UnsafeSecretStoreException e = assertThrows(UnsafeSecretStoreException.class, () -> store(dir).get("k"));
            assertTrue(e.getMessage().contains(data.toString()) && e.getMessage().contains(wide), e.getMessage());
        }
    }

    @Test
    void aKeyOwnedBySomeoneElseIsRefused() throws IOException {
        Path dir = home.resolve("secrets");
        store(dir).put("k", Secret.of("v"));
        Path key = dir.resolve("secrets.key");
        Object me = Files.getAttribute(Files.createFile(home.resolve("mine")), "unix:uid");
        int someoneElse = (Integer) me == 65534 ? 65533 : 65534;
        try {
            Files.setAttribute(key, "unix:uid", someoneElse);
        } catch (FileSystemException e) {
            Assumptions.abort("only root can give a file away here: " + e.getMessage());
        }
        UnsafeSecretStoreException e = assertThrows(UnsafeSecretStoreException.class, () -> store(dir).get("k"));
        assertTrue(e.getMessage().contains(key.toString()) && e.getMessage().contains("owned by"), e.getMessage());
    }

    @Test
    void aTemporaryFileLeftWideByACrashIsReplacedNotReused() throws IOException {
        Path dir = home.resolve("secrets");
        store(dir).put("k", Secret.of("v"));
        Path temp = Files.createFile(dir.resolve("secrets.bin.tmp"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-rw-rw-"));
        store(dir).put("k", Secret.of("v2"));
        assertEquals("rw-------", mode(dir.resolve("secrets.bin")));
        assertEquals("v2", store(dir).get("k").orElseThrow().reveal());
    }
}
