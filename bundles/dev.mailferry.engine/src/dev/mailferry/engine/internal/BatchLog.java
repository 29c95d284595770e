package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The batch log file in {@code logs/}: one line per mailbox, folder, skip, failure and notice (copied messages are
 * counted, not listed, so the log stays readable for big mailboxes). Only events are logged, and events carry no
 * secrets.
 */
public final class BatchLog implements MigrationListener, AutoCloseable {

    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final BufferedWriter out;

    public BatchLog(Path logsFolder, String batch) throws IOException {
        Files.createDirectories(logsFolder);
        this.file = logsFolder.resolve(ReportWriter.safeFileName(batch) + "-" + FILE_STAMP.format(Instant.now()) + ".log");
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    private synchronized void line(String text, boolean flush) {
        try {
            out.write(Instant.now().toString());
            out.write(' ');
            out.write(text);
            out.write('\n');
            if (flush) {
                out.flush();
            }
        } catch (IOException e) {
            // a full disk must not stop the migration; the state database and reports remain authoritative
        }
    }

    @Override
    public void batchStarted(String batch, int mailboxes, boolean finalPass) {
        line("batch " + batch + ": " + (finalPass ? "final pass" : "pass") + " started for " + mailboxes + " mailboxes", true);
    }

    @Override
    public void mailboxStarted(String email) {
        line(email + ": started", true);
    }

    @Override
    public void mailboxPlanned(String email, long messages, long bytes) {
        line(email + ": " + messages + " messages (" + Sizes.human(bytes) + ") to copy", true);
    }

    @Override
    public void folderStarted(String email, FolderPath source, FolderPath target, long messages) {
        line(email + ": folder " + source + " -> " + target + ": " + (messages < 0 ? "copying while scanning"
                : messages + " messages to copy"), false);
    }

    @Override
    public void messageSkipped(String email, FolderPath source, MessageInfo m, String reason) {
        line(email + ": skipped " + source + " UID " + m.uid() + " " + describe(m) + ": " + reason, false);
    }

    @Override
    public void messageFailed(String email, FolderPath source, MessageInfo m, String reason) {
        line(email + ": FAILED " + source + " UID " + m.uid() + " " + describe(m) + ": " + reason, true);
    }

    private static String describe(MessageInfo m) {
        return "(" + Sizes.human(m.size()) + (m.messageId() == null ? "" : ", Message-ID " + m.messageId()) + ")";
    }

    @Override
    public void folderFinished(String email, FolderStatus s) {
        line(email + ": folder " + s.source() + " done: " + s.copied() + " copied, " + s.skipped() + " skipped, "
                + s.failed() + " failed, " + Sizes.human(s.bytes()), true);
    }

    @Override
    public void notice(String email, String text) {
        line(email + ": " + text, true);
    }

    @Override
    public void mailboxThrottled(String email, String reason, Duration delay) {
        line(email + ": throttled by the target, waiting " + delay.toMillis() + " ms before going on (" + reason + ")",
                true);
    }

    @Override
    public void mailboxRetrying(String email, int attempt, String reason, Duration delay) {
        line(email + ": attempt " + attempt + " interrupted (" + reason + "); retrying in " + delay.toSeconds() + " s", true);
    }

    @Override
    public void mailboxFinished(MailboxStatus s) {
        line(s.emailAddress() + ": " + s.state() + " - " + s.lastPassCopied() + " copied in this pass in "
                + s.lastPassDuration().toSeconds() + " s; in total " + s.copied() + " copied (" + Sizes.human(s.bytes())
                + "), " + s.skipped() + " skipped, " + s.failed() + " failed"
                + (s.lastError() == null ? "" : "; error: " + s.lastError()), true);
    }

    @Override
    public void batchFinished(BatchRunResult r) {
        line("batch " + r.batch() + ": " + r.state() + " after " + r.duration().toSeconds() + " s, " + r.failedMailboxes()
                + " of " + r.mailboxes().size() + " mailboxes failed", true);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing more to write
        }
    }
}
