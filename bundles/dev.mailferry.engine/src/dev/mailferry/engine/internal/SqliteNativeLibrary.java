package dev.mailferry.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Function;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Points sqlite-jdbc at a copy of its native library kept in the user's cache folder. Left to itself, sqlite-jdbc
 * unpacks the library into the temporary folder and compares it byte by byte at every start, which slows down every
 * command, and a killed process leaves its copy behind. The copy is named by the driver's version and
 * written under a temporary name then moved into place, so a half-written library is never loaded. When anything
 * fails, nothing is set and sqlite-jdbc unpacks the library itself as usual.
 */
final class SqliteNativeLibrary {

    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private static boolean prepared;

    private SqliteNativeLibrary() {
    }

    /** Sets sqlite-jdbc's library path and name to the cached copy, unpacking it first when missing. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
            return; // chosen by whoever started the JVM
        }
        Path cache = cacheFolder(System::getenv, System.getProperty("os.name", ""), System.getProperty("user.home"));
        if (cache == null) {
            return;
        }
        Path dir = install(cache);
        if (dir != null) {
            System.setProperty(PATH_PROPERTY, dir.toString());
            System.setProperty(NAME_PROPERTY, System.mapLibraryName("sqlitejdbc"));
        }
    }

    /**
     * Puts the library into {@code cache} when missing; returns its folder, or null when it cannot be used from there:
     * not written, or a copy that others could have replaced (the JVM would run its code as this user).
     */
    static Path install(Path cache) {
        // named by the JVM's platform so that a copy already there is used without asking sqlite-jdbc which of its
        // libraries fits (it runs "uname" to tell Android from Linux)
        String name = System.mapLibraryName("sqlitejdbc");
        Path dir = cache.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(
                (System.getProperty("os.name") + "-" + System.getProperty("os.arch")).replaceAll("[^A-Za-z0-9._-]", "_"));
        Path library = dir.resolve(name);
        try {
            if (!Files.isRegularFile(library)) {
                String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
                try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return null; // no library for this platform in the jar: sqlite-jdbc reports it
                    }
                    createPrivateDirectories(dir);
                    Path partial = Files.createTempFile(dir, name, ".part");
                    try {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(partial);
                    }
                }
            }
            return writableByOthers(library) || writableByOthers(dir) ? null : dir;
        } catch (IOException | RuntimeException e) {
            return null; // a read-only or full cache folder: sqlite-jdbc's own unpacking still works
        }
    }

    /** Missing folders are created 0700, as the XDG Base Directory spec asks. */
    private static void createPrivateDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static boolean writableByOthers(Path path) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            return permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The per-user cache folder of Mailferry, or null when the platform has none known. On Linux by the XDG Base
     * Directory spec: {@code $XDG_CACHE_HOME} when absolute (a relative one is ignored), else {@code $HOME/.cache}, else
     * the home folder of the password database ({@code user.home}, which does not follow {@code $HOME}).
     */
    static Path cacheFolder(Function<String, String> environment, String osName, String userHome) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = environment.apply("LOCALAPPDATA");
            return local == null ? null : Path.of(local, "Mailferry", "cache");
        }
        String home = environment.apply("HOME");
        if (home == null || home.isBlank() || !Path.of(home).isAbsolute()) {
            home = userHome;
        }
        if (os.startsWith("mac")) {
            return home == null ? null : Path.of(home, "Library", "Caches", "Mailferry");
        }
        String xdg = environment.apply("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "mailferry");
        }
        return home == null ? null : Path.of(home, ".cache", "mailferry");
    }
}
