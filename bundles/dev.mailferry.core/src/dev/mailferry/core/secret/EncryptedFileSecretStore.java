package dev.mailferry.core.secret;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps secrets in one AES-256-GCM encrypted file in the user's configuration directory, never in a project folder
 * (which consultants copy, zip and send). The key sits beside it in a file only the user can read. This protects
 * against secrets travelling with project files, reports and logs; like Eclipse secure storage without an OS keyring,
 * it does not protect against someone who can read the user's files.
 *
 * <p>Modes: the folder (and a missing parent such as {@code ~/.config}) is created 0700 and every file 0600, each
 * created with its mode in the same call, so there is no moment when it is wider. An existing folder that group or
 * others may enter is made 0700, with a warning. A key or data file that group or others may read or change, or that
 * belongs to another user, is <em>refused</em> ({@link UnsafeSecretStoreException}) rather than repaired: the
 * passwords it protects may already have been read, which the user has to know and act on (change them), and a repair
 * with a passing warning would hide that.
 *
 * <p>The decrypted contents stay in memory and are read again only when the file changed (size, modification time or
 * file identity), checked under the lock that serialises processes; a migration of 50,000 mailboxes asks for two
 * secrets per mailbox.
 */
public final class EncryptedFileSecretStore implements SecretStore {

    /** System property naming the folder; wins over {@value #DIRECTORY_VARIABLE}. */
    public static final String DIRECTORY_PROPERTY = "mailferry.secrets.dir";
    /** Environment variable naming the folder. */
    public static final String DIRECTORY_VARIABLE = "MAILFERRY_SECRETS_DIR";
    public static final String KEY_FILE = "secrets.key";
    public static final String DATA_FILE = "secrets.bin";
    public static final String LOCK_FILE = "secrets.lock";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** The version of a data file that does not exist. */
    private static final FileVersion ABSENT = new FileVersion(null, -1, null);

    private static volatile UserPrincipal currentUser;

    private final Path directory;
    private final Path keyFile;
    private final Path dataFile;
    private final Path lockFile;
    private final Consumer<String> warnings;
    private final SecureRandom random = new SecureRandom();
    private boolean directoryChecked;
    private Boolean posix;
    private Properties cache;
    private FileVersion cachedVersion;
    private int fileWrites;
    private int fileDecryptions;

    /** A store whose warnings (a folder made private) go to standard error. */
    public EncryptedFileSecretStore(Path directory) {
        this(directory, System.err::println);
    }

    /**
     * @param warnings told, in one sentence each, what the store repaired (a folder others could enter); never a
     *                 secret
     */
    public EncryptedFileSecretStore(Path directory, Consumer<String> warnings) {
        this.directory = directory.toAbsolutePath();
        this.keyFile = this.directory.resolve(KEY_FILE);
        this.dataFile = this.directory.resolve(DATA_FILE);
        this.lockFile = this.directory.resolve(LOCK_FILE);
        this.warnings = warnings;
    }

    /** The store in {@link #defaultDirectory()}. */
    public static EncryptedFileSecretStore forCurrentUser(Consumer<String> warnings) {
        return new EncryptedFileSecretStore(defaultDirectory(), warnings);
    }

    /**
     * The default folder, by the Linux conventions: the system property {@value #DIRECTORY_PROPERTY}, else
     * {@code $MAILFERRY_SECRETS_DIR}, else {@code $XDG_CONFIG_HOME/mailferry} when that is an absolute path (the XDG
     * Base Directory spec ignores relative ones), else {@code $HOME/.config/mailferry}, else the home folder of the
     * password database (Java's {@code user.home}, which does not follow {@code $HOME}).
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System::getenv, System.getProperty(DIRECTORY_PROPERTY), System.getProperty("user.home"));
    }

    static Path defaultDirectory(Function<String, String> environment, String property, String userHome) {
        if (!isBlank(property)) {
            return Path.of(property).toAbsolutePath();
        }
        String dir = environment.apply(DIRECTORY_VARIABLE);
        if (!isBlank(dir)) {
            return Path.of(dir).toAbsolutePath();
        }
        String config = environment.apply("XDG_CONFIG_HOME");
        if (!isBlank(config) && Path.of(config).isAbsolute()) {
            return Path.of(config, "mailferry");
        }
        String home = environment.apply("HOME");
        if (!isBlank(home) && Path.of(home).isAbsolute()) {
            return Path.of(home, ".config", "mailferry");
        }
        return Path.of(userHome, ".config", "mailferry");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** The folder holding the key and the encrypted file. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void put(String key, Secret secret) throws IOException {
        putAll(Map.of(key, secret));
    }

    /** One read, one write and one fsync for all of them. */
    @Override
    public synchronized void putAll(Map<String, Secret> secrets) throws IOException {
        if (secrets.isEmpty()) {
            return;
        }
        locked(() -> {
            Properties all = load();
            secrets.forEach((key, secret) -> all.setProperty(key, secret.reveal()));
            save(all);
            return null;
        });
    }

    @Override
    public synchronized Optional<Secret> get(String key) throws IOException {
        return locked(() -> Optional.ofNullable(load().getProperty(key)).map(Secret::of));
    }

    @Override
    public synchronized void remove(String key) throws IOException {
        locked(() -> {
            Properties all = load();
            if (all.remove(key) != null) {
                save(all);
            }
            return null;
        });
    }

    /** How often this instance wrote the encrypted file (for tests and diagnostics). */
    synchronized int fileWrites() {
        return fileWrites;
    }

    /** How often this instance read and decrypted the encrypted file (for tests and diagnostics). */
    synchronized int fileDecryptions() {
        return fileDecryptions;
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    /** Serialises access between processes (several mailferry commands may run at once). */
    private <T> T locked(LockedAction<T> action) throws IOException {
        if (!directoryChecked || !Files.isDirectory(directory)) {
            prepareDirectory();
            directoryChecked = true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                privateFile()); FileLock lock = channel.lock()) {
            try {
                return action.run();
            } catch (IOException | RuntimeException e) {
                cache = null; // a failed change may have left the cached contents ahead of the file
                cachedVersion = null;
                throw e;
            }
        }
    }

    /** Creates the folder private, or makes an existing one private when only the store's files are in it. */
    private void prepareDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, privateFolder());
        }
        if (!posix()) {
            return;
        }
        PosixFileAttributes folder = Files.readAttributes(directory, PosixFileAttributes.class);
        requireOwnedByCurrentUser(directory, folder, "Secret store folder");
        Set<PosixFilePermission> wide = groupAndOthers(folder);
        if (!wide.isEmpty()) {
            List<String> foreign = new ArrayList<>();
            try (Stream<Path> entries = Files.list(directory)) {
                entries.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith("secrets.")).limit(3)
                        .forEach(foreign::add);
            }
            String mode = PosixFilePermissions.toString(folder.permissions());
            if (!foreign.isEmpty()) {
                throw new UnsafeSecretStoreException(directory, "Secret store folder " + directory
                        + " is open to group/others (mode " + mode + ") and holds other files (" + String.join(", ", foreign)
                        + "): give the secret store a folder of its own (" + DIRECTORY_VARIABLE + "), or make this one private: chmod 700 "
                        + directory);
            }
            Files.setPosixFilePermissions(directory, OWNER_ONLY_FOLDER);
            warnings.accept("Secret store folder " + directory + " was open to group/others (mode " + mode
                    + "); made it private (chmod 700).");
        }
        if (Files.exists(lockFile)) {
            PosixFileAttributes lock = Files.readAttributes(lockFile, PosixFileAttributes.class);
            requireOwnedByCurrentUser(lockFile, lock, "Secret store lock file");
            if (!groupAndOthers(lock).isEmpty()) {
                // it holds nothing, but others who may write it could hold the lock and stall every mailferry command
                Files.setPosixFilePermissions(lockFile, OWNER_ONLY_FILE);
                warnings.accept("Secret store lock file " + lockFile + " was open to group/others (mode "
                        + PosixFilePermissions.toString(lock.permissions()) + "); made it private (chmod 600).");
            }
        }
    }

    private Properties load() throws IOException {
        FileVersion version = ABSENT;
        if (Files.exists(dataFile)) {
            try {
                BasicFileAttributes attributes = readAndCheck(dataFile, "Secret store file");
                version = new FileVersion(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                version = ABSENT;
            }
        }
        if (cache != null && version.equals(cachedVersion)) {
            return cache;
        }
        Properties all = version == ABSENT ? new Properties() : decrypt(Files.readAllBytes(dataFile));
        cache = all;
        cachedVersion = version;
        return all;
    }

    private Properties decrypt(byte[] sealed) throws IOException {
        if (sealed.length < NONCE_BYTES) {
            throw new IOException("Secret store " + dataFile + " is damaged (too short)");
        }
        SecretKeySpec key = key(false);
        fileDecryptions++;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            Properties all = new Properties();
            all.load(new InputStreamReader(new ByteArrayInputStream(plain), StandardCharsets.UTF_8));
            return all;
        } catch (GeneralSecurityException e) {
            throw new IOException("Secret store " + dataFile + " cannot be decrypted with " + keyFile
                    + " (key replaced or file damaged)");
        }
    }

    private void save(Properties all) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (var writer = new OutputStreamWriter(plain, StandardCharsets.UTF_8)) {
            all.store(writer, null);
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(true), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] encrypted = cipher.doFinal(plain.toByteArray());
            byte[] sealed = new byte[NONCE_BYTES + encrypted.length];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            System.arraycopy(encrypted, 0, sealed, NONCE_BYTES, encrypted.length);
            writePrivate(dataFile, sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot encrypt the secret store: " + e.getMessage());
        }
        fileWrites++;
        BasicFileAttributes written = Files.readAttributes(dataFile, BasicFileAttributes.class);
        cache = all;
        cachedVersion = new FileVersion(written.fileKey(), written.size(), written.lastModifiedTime());
    }

    private SecretKeySpec key(boolean createIfMissing) throws IOException {
        if (!Files.exists(keyFile)) {
            if (!createIfMissing) {
                throw new IOException("Secret store key " + keyFile + " is missing");
            }
            byte[] key = new byte[32];
            random.nextBytes(key);
            writePrivate(keyFile, key);
        }
        readAndCheck(keyFile, "Secret store key");
        byte[] key = Files.readAllBytes(keyFile);
        if (key.length != 32) {
            throw new IOException("Secret store key " + keyFile + " is damaged");
        }
        return new SecretKeySpec(key, "AES");
    }

    /** The file's attributes, once it is known to be the current user's and closed to everyone else. */
    private BasicFileAttributes readAndCheck(Path file, String what) throws IOException {
        if (!posix()) {
            return Files.readAttributes(file, BasicFileAttributes.class);
        }
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
        requireOwnedByCurrentUser(file, attributes, what);
        Set<PosixFilePermission> wide = groupAndOthers(attributes);
        if (!wide.isEmpty()) {
            throw new UnsafeSecretStoreException(file, what + " " + file + " is open to group/others (mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + "), so the passwords it protects may have been"
                    + " exposed; Mailferry does not use it like this. Make it private with: chmod 600 " + file
                    + " - and change those passwords if others could have read it.");
        }
        return attributes;
    }

    private void requireOwnedByCurrentUser(Path file, PosixFileAttributes attributes, String what) throws IOException {
        UserPrincipal me = currentUser();
        if (me != null && !me.equals(attributes.owner())) {
            throw new UnsafeSecretStoreException(file, what + " " + file + " is owned by " + attributes.owner().getName()
                    + ", not by " + me.getName() + " who runs Mailferry; it is not used. If it is yours: chown "
                    + me.getName() + " " + file + "; otherwise give Mailferry a secret store folder of your own ("
                    + DIRECTORY_VARIABLE + ").");
        }
    }

    private static Set<PosixFilePermission> groupAndOthers(PosixFileAttributes attributes) {
        Set<PosixFilePermission> wide = EnumSet.noneOf(PosixFilePermission.class);
        wide.addAll(attributes.permissions());
        wide.retainAll(GROUP_AND_OTHERS);
        return wide;
    }

    /**
     * The user this process runs as: the owner of a file it creates. {@code user.name} comes from the password database
     * and says nothing about the effective user.
     */
    private static UserPrincipal currentUser() throws IOException {
        UserPrincipal user = currentUser;
        if (user == null) {
            Path probe = Files.createTempFile("mailferry-owner-", ".probe");
            try {
                user = Files.getOwner(probe);
            } finally {
                Files.deleteIfExists(probe);
            }
            currentUser = user;
        }
        return user;
    }

    private boolean posix() throws IOException {
        if (posix == null) {
            Path existing = directory;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            posix = existing != null && Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
        }
        return posix;
    }

    private FileAttribute<?>[] privateFile() throws IOException {
        return posix() ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE) } : new FileAttribute<?>[0];
    }

    private FileAttribute<?>[] privateFolder() throws IOException {
        return posix() ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER) } : new FileAttribute<?>[0];
    }

    /**
     * Writes a new file created owner-only (a leftover temporary file is deleted, never reused with its old mode),
     * syncs it, then renames it over {@code file} and syncs the folder, so a crash leaves the old or the new file.
     */
    private void writePrivate(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                privateFile())) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel folder = FileChannel.open(directory, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // not every platform opens folders (Windows); the rename itself is atomic there
        }
    }

    /** What tells one version of the data file from another without reading it. */
    private record FileVersion(Object fileKey, long size, FileTime modified) {
    }
}
