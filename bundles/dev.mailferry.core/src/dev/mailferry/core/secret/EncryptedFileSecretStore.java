package dev.mailferry.core.secret;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Properties;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps secrets in one AES-256-GCM encrypted file in the user's configuration directory, never in a project folder
 * (which consultants copy, zip and send). The key sits beside it in a file only the user can read. This protects
 * against secrets travelling with project files, reports and logs; like Eclipse secure storage without an OS keyring,
 * it does not protect against someone who can read the user's files.
 */
public final class EncryptedFileSecretStore implements SecretStore {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Path keyFile;
    private final Path dataFile;
    private final Path lockFile;
    private final SecureRandom random = new SecureRandom();

    public EncryptedFileSecretStore(Path directory) {
        this.keyFile = directory.resolve("secrets.key");
        this.dataFile = directory.resolve("secrets.bin");
        this.lockFile = directory.resolve("secrets.lock");
    }

    /**
     * The default location: the system property {@code mailferry.secrets.dir}, else {@code $MAILFERRY_SECRETS_DIR}, else
     * {@code $XDG_CONFIG_HOME/mailferry}, else {@code ~/.config/mailferry}.
     */
    public static EncryptedFileSecretStore forCurrentUser() {
        String dir = System.getProperty("mailferry.secrets.dir", System.getenv("MAILFERRY_SECRETS_DIR"));
        if (dir == null || dir.isBlank()) {
            String config = System.getenv("XDG_CONFIG_HOME");
            Path base = config == null || config.isBlank() ? Path.of(System.getProperty("user.home"), ".config") : Path.of(config);
            return new EncryptedFileSecretStore(base.resolve("mailferry"));
        }
        return new EncryptedFileSecretStore(Path.of(dir));
    }

    @Override
    public synchronized void put(String key, Secret secret) throws IOException {
        locked(() -> {
            Properties all = load();
            all.setProperty(key, secret.reveal());
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

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    /** Serialises access between processes (several mailferry commands may run at once). */
    private <T> T locked(LockedAction<T> action) throws IOException {
        Files.createDirectories(lockFile.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return action.run();
        }
    }

    private Properties load() throws IOException {
        Properties all = new Properties();
        if (!Files.exists(dataFile)) {
            return all;
        }
        byte[] sealed = Files.readAllBytes(dataFile);
        if (sealed.length < NONCE_BYTES) {
            throw new IOException("Secret store " + dataFile + " is damaged (too short)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(false), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            all.load(new java.io.InputStreamReader(new ByteArrayInputStream(plain), StandardCharsets.UTF_8));
            return all;
        } catch (GeneralSecurityException e) {
            throw new IOException("Secret store " + dataFile + " cannot be decrypted with " + keyFile
                    + " (key replaced or file damaged)");
        }
    }

    private void save(Properties all) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (var writer = new java.io.OutputStreamWriter(plain, StandardCharsets.UTF_8)) {
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
        byte[] key = Files.readAllBytes(keyFile);
        if (key.length != 32) {
            throw new IOException("Secret store key " + keyFile + " is damaged");
        }
        return new SecretKeySpec(key, "AES");
    }

    /** Writes through a temporary file readable only by the owner, then renames, so a crash never leaves half a file. */
    private static void writePrivate(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        Files.write(temp, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
