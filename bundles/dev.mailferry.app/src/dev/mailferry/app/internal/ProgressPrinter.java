package dev.mailferry.app.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchProgress;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live progress of a batch on the terminal: one line rewritten in place on a terminal, a line every 10 seconds when
 * the output goes to a file or pipe (scripts, CI). Mailbox outcomes and failed messages are printed as they happen.
 * The totals come from the engine's {@link BatchProgress}.
 */
final class ProgressPrinter implements MigrationListener, AutoCloseable {

    private final PrintStream out;
    private final boolean quiet;
    private final boolean terminal = System.console() != null;
    private final BatchProgress totals = new BatchProgress();
    private final ScheduledExecutorService ticker;
    private int lastLineLength;
    /** Between two scheduled passes: nothing moves, so no progress line. */
    private volatile boolean waiting;

    ProgressPrinter(PrintStream out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
        if (quiet) {
            ticker = null;
        } else {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mailferry-progress");
                t.setDaemon(true);
                return t;
            });
            long period = terminal ? 500 : 10_000;
            ticker.scheduleAtFixedRate(this::printProgress, period, period, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void batchStarted(String batch, int count, boolean finalPass) {
        waiting = false;
        totals.batchStarted(batch, count, finalPass);
        println((finalPass ? "Completing" : "Syncing") + " batch '" + batch + "': " + count + " mailboxes");
    }

    @Override
    public void mailboxPlanned(String emailAddress, long messages, long bytes) {
        totals.mailboxPlanned(emailAddress, messages, bytes);
    }

    @Override
    public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
        totals.messageCopied(emailAddress, source, message);
    }

    @Override
    public void messageSkipped(String emailAddress, FolderPath source, MessageInfo message, String reason) {
        totals.messageSkipped(emailAddress, source, message, reason);
    }

    @Override
    public void messageFailed(String emailAddress, FolderPath source, MessageInfo message, String reason) {
        totals.messageFailed(emailAddress, source, message, reason);
        println(emailAddress + ": " + source + " UID " + message.uid() + " failed: " + reason);
    }

    @Override
    public void notice(String emailAddress, String text) {
        println(emailAddress + ": " + text);
    }

    @Override
    public void mailboxThrottled(String emailAddress, String reason, Duration delay) {
        totals.mailboxThrottled(emailAddress, reason, delay);
        println(emailAddress + ": throttled by the target, going on in " + delay.toMillis() / 1000.0 + " s");
    }

    @Override
    public void mailboxRetrying(String emailAddress, int attempt, String reason, Duration delay) {
        totals.mailboxRetrying(emailAddress, attempt, reason, delay);
        println(emailAddress + ": " + reason + " - retry " + attempt + " in " + delay.toSeconds() + " s");
    }

    @Override
    public void mailboxFinished(MailboxStatus status) {
        totals.mailboxFinished(status);
        String outcome = status.state() == MailboxState.FAILED || status.state() == MailboxState.STOPPED
                ? status.state() + ": " + status.lastError()
                : status.state() + ", " + status.lastPassCopied() + " copied, " + status.skipped() + " skipped, "
                        + status.failed() + " failed";
        println(status.emailAddress() + ": " + outcome);
    }

    @Override
    public void batchFinished(BatchRunResult result) {
        printProgress();
    }

    @Override
    public void nextPassScheduled(String batch, java.time.Instant when) {
        waiting = true;
        println("Batch '" + batch + "' is in sync; the next pass starts at " + when.truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS) + " (in " + duration(Duration.between(java.time.Instant.now(),
                        when)) + "). Ctrl-C or 'mailferry batch stop " + batch + "' ends it.");
    }

    private synchronized void printProgress() {
        if (quiet || waiting) {
            return;
        }
        BatchProgress.Snapshot s = totals.snapshot();
        // "+": mailboxes still running and not planned yet (not started, or copied while scanned) will add to the total
        boolean totalGrows = s.mailboxesPlanned() < s.mailboxesTotal() && s.mailboxesDone() < s.mailboxesTotal();
        String line = String.format(
                "%d/%d mailboxes | %,d/%,d%s messages | %.1f MB | %.1f MB/s | %.0f msg/s | ETA %s | %d skipped | %d failed",
                s.mailboxesDone(), s.mailboxesTotal(), s.copiedMessages(), s.plannedMessages(), totalGrows ? "+" : "",
                s.copiedBytes() / 1e6, s.bytesPerSecond() / 1e6, s.messagesPerSecond(), s.remaining() == null ? "-" : duration(s.remaining()),
                s.skipped(), s.failed());
        if (!s.throttled().isZero()) {
            line += " | throttled " + duration(s.throttled());
        }
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLineLength - line.length())));
            lastLineLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a whole line, clearing the live progress line first. */
    private synchronized void println(String text) {
        if (terminal && lastLineLength > 0) {
            out.print("\r" + " ".repeat(lastLineLength) + "\r");
            lastLineLength = 0;
        }
        out.println(text);
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (terminal && lastLineLength > 0) {
            out.println();
            lastLineLength = 0;
        }
    }

    static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = d.toSeconds();
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
