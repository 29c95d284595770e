package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener that keeps the running totals a progress display needs: messages and bytes planned, copied, skipped,
 * failed, the transfer rate and an estimate of the time left. Thread safe; call {@link #snapshot()} from any thread
 * (e.g. a terminal refresh every second). Combine with another listener by delegating to both.
 */
public final class BatchProgress implements MigrationListener {

    private final AtomicInteger mailboxesTotal = new AtomicInteger();
    private final AtomicInteger mailboxesDone = new AtomicInteger();
    private final AtomicInteger mailboxesFailed = new AtomicInteger();
    private final AtomicInteger mailboxesPlanned = new AtomicInteger();
    private final AtomicLong plannedMessages = new AtomicLong();
    private final AtomicLong plannedBytes = new AtomicLong();
    private final AtomicLong copiedMessages = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile long startNanos = System.nanoTime();

    /**
     * Totals at one moment.
     *
     * @param mailboxesPlanned mailboxes whose totals are in {@code plannedMessages}/{@code plannedBytes}: the others
     *                         (not started, or copied while scanned) add to them later
     * @param bytesPerSecond average rate since the pass started
     * @param remaining      estimated time left from bytes still to copy and the rate; null while unknown
     */
    public record Snapshot(int mailboxesTotal, int mailboxesDone, int mailboxesFailed, int mailboxesPlanned,
            long plannedMessages, long plannedBytes, long copiedMessages, long copiedBytes, long skipped, long failed,
            Duration elapsed, double messagesPerSecond, double bytesPerSecond, Duration remaining) {
    }

    public Snapshot snapshot() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        long bytes = copiedBytes.get();
        double rate = bytes / seconds;
        long left = Math.max(0, plannedBytes.get() - bytes);
        Duration remaining = rate > 0 && plannedBytes.get() > 0 ? Duration.ofSeconds((long) Math.ceil(left / rate)) : null;
        return new Snapshot(mailboxesTotal.get(), mailboxesDone.get(), mailboxesFailed.get(), mailboxesPlanned.get(),
                plannedMessages.get(), plannedBytes.get(), copiedMessages.get(), bytes, skipped.get(), failed.get(),
                elapsed, copiedMessages.get() / seconds, rate, remaining);
    }

    @Override
    public void batchStarted(String batch, int mailboxes, boolean finalPass) {
        startNanos = System.nanoTime();
        mailboxesTotal.set(mailboxes);
    }

    @Override
    public void mailboxPlanned(String emailAddress, long messages, long bytes) {
        mailboxesPlanned.incrementAndGet();
        plannedMessages.addAndGet(messages);
        plannedBytes.addAndGet(bytes);
    }

    @Override
    public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
        copiedMessages.incrementAndGet();
        copiedBytes.addAndGet(message.size());
    }

    @Override
    public void messageSkipped(String emailAddress, FolderPath source, MessageInfo message, String reason) {
        skipped.incrementAndGet();
    }

    @Override
    public void messageFailed(String emailAddress, FolderPath source, MessageInfo message, String reason) {
        failed.incrementAndGet();
    }

    @Override
    public void mailboxFinished(MailboxStatus status) {
        mailboxesDone.incrementAndGet();
        if (status.state() == MailboxState.FAILED) {
            mailboxesFailed.incrementAndGet();
        }
    }
}
