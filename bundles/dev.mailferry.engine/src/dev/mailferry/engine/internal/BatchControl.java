package dev.mailferry.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What one process tells another about a batch, through small files in the project's {@code control/} folder: a stop
 * request (from {@code mailferry batch stop} or another workbench) and the time of the next scheduled pass. Files,
 * not the state database, because the process running the pass holds the database, and others open it read-only.
 */
public final class BatchControl {

    /** How often a running pass looks for a stop request: the files are read at most this often. */
    private static final long POLL_NANOS = 500_000_000L;

    private final Path folder;

    public BatchControl(Path projectFolder) {
        this.folder = projectFolder.resolve("control");
    }

    /** Asks the process running a pass over {@code batch} to stop at its next safe point. */
    public void requestStop(String batch) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(file(batch, "stop"), Instant.now().toString() + "\n", StandardCharsets.UTF_8);
    }

    public boolean stopRequested(String batch) {
        return Files.exists(file(batch, "stop"));
    }

    public void clearStopRequest(String batch) throws IOException {
        Files.deleteIfExists(file(batch, "stop"));
    }

    /**
     * {@code local} or a stop request for {@code batch}, whichever comes first; the file is looked at no more than twice
     * a second, so the engine may ask as often as it likes.
     */
    public BooleanSupplier stopRequested(String batch, BooleanSupplier local) {
        return new BooleanSupplier() {
            private long lastLook = System.nanoTime() - POLL_NANOS;
            private boolean requested;

            @Override
            public synchronized boolean getAsBoolean() {
                if (local.getAsBoolean()) {
                    return true;
                }
                long now = System.nanoTime();
                if (!requested && now - lastLook >= POLL_NANOS) {
                    lastLook = now;
                    requested = stopRequested(batch);
                }
                return requested;
            }
        };
    }

    public void setNextPass(String batch, Instant when) throws IOException {
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "next-pass", ".tmp");
        Files.writeString(temporary, when.toString() + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file(batch, "next-pass"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The next scheduled pass, as last set; a stale one (its process gone) is for the caller to ignore. */
    public Optional<Instant> nextPass(String batch) {
        try {
            return Optional.of(Instant.parse(Files.readString(file(batch, "next-pass"), StandardCharsets.UTF_8).strip()));
        } catch (IOException | DateTimeParseException none) {
            return Optional.empty();
        }
    }

    public void clearNextPass(String batch) throws IOException {
        Files.deleteIfExists(file(batch, "next-pass"));
    }

    /** The batch's file of that kind: its name made safe, plus a hash so that two names never share one. */
    private Path file(String batch, String kind) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(batch.getBytes(StandardCharsets.UTF_8));
            return folder.resolve(ReportWriter.safeFileName(batch) + "-" + HexFormat.of().formatHex(hash, 0, 4) + "."
                    + kind);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
