package dev.mailferry.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the SQLite library is cached, and that a copy others could replace is not loaded. */
class SqliteNativeLibraryTest {

    @TempDir
    Path dir;

    @Test
    void cacheFolderFollowsHomeAndAnAbsoluteXdgCacheHome() {
        Map<String, String> env = new HashMap<>();
        assertEquals(Path.of("/home/pw/.cache/mailferry"), SqliteNativeLibrary.cacheFolder(env::get, "Linux", "/home/pw"));
        env.put("HOME", "/srv/admin");
        assertEquals(Path.of("/srv/admin/.cache/mailferry"), SqliteNativeLibrary.cacheFolder(env::get, "Linux", "/home/pw"));
        env.put("XDG_CACHE_HOME", "relative");
        assertEquals(Path.of("/srv/admin/.cache/mailferry"), SqliteNativeLibrary.cacheFolder(env::get, "Linux", "/home/pw"));
        env.put("XDG_CACHE_HOME", "/var/cache/admin");
        assertEquals(Path.of("/var/cache/admin/mailferry"), SqliteNativeLibrary.cacheFolder(env::get, "Linux", "/home/pw"));
    }

    @Test
    void theCopyIsWrittenPrivateAndACopyOthersCanWriteIsNotUsed() throws IOException {
        Path cache = dir.resolve(".cache").resolve("mailferry");
        Path libraryDir = SqliteNativeLibrary.install(cache);
        assertTrue(libraryDir != null && Files.isRegularFile(libraryDir.resolve(System.mapLibraryName("sqlitejdbc"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".cache"))));
        assertEquals(libraryDir, SqliteNativeLibrary.install(cache), "the copy is used again");

        Path library = libraryDir.resolve(System.mapLibraryName("sqlitejdbc"));
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-rw-r--"));
        assertNull(SqliteNativeLibrary.install(cache), "others could have replaced it: sqlite-jdbc unpacks its own");
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(libraryDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(SqliteNativeLibrary.install(cache), "others could replace it in its folder");
    }
}
