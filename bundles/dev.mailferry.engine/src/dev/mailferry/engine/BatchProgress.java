package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Per mailbox of the pass: what it announced and copied (the planned totals are built from these). */
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final AtomicLong copiedMessages = new AtomicLong();
    private final AtomicLong copiedBytes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong throttledMillis = new AtomicLong();
    private volatile long startNanos = System.nanoTime();

    /**
     * Totals at one moment.
     *
     * @param mailboxesPlanned mailboxes whose totals are in {@code plannedMessages}/{@code plannedBytes}: the others
     *                         (not started, or copied while scanned) add to them later
     * @param bytesPerSecond average rate since the pass started
     * @param remaining      estimated time left from bytes still to copy and the rate; null while unknown
     * @param throttled      time mailboxes have waited because the target asked to slow down, all added up
     */
    public record Snapshot(int mailboxesTotal, int mailboxesDone, int mailboxesFailed, int mailboxesPlanned,
            long plannedMessages, long plannedBytes, long copiedMessages, long copiedBytes, long skipped, long failed,
            Duration elapsed, double messagesPerSecond, double bytesPerSecond, Duration remaining, Duration throttled) {
    }

    /**
     * One mailbox's share of the totals. Its planned messages are those copied before its current attempt plus what
     * the attempt announced, at least what the attempt copied: a mailbox copied while it is scanned announces only
     * after its last folder, a retried one announces again what is left, and a failed one may never announce. So
     * copied never exceeds planned.
     */
    private static final class Mailbox {
        long copiedMessages;
        long copiedBytes;
        long baseMessages;
        long baseBytes;
        long announcedMessages = -1;
        long announcedBytes;
        boolean counted;

        synchronized long[] planned() {
            long attemptMessages = copiedMessages - baseMessages;
            long attemptBytes = copiedBytes - baseBytes;
            if (announcedMessages < 0) {
                return new long[] {copiedMessages, copiedBytes};
            }
            return new long[] {baseMessages + Math.max(announcedMessages, attemptMessages),
                    baseBytes + Math.max(announcedBytes, attemptBytes)};
        }
    }

    private Mailbox mailbox(String email) {
        return mailboxes.computeIfAbsent(email, e -> new Mailbox());
    }

    public Snapshot snapshot() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        long plannedMessages = 0;
        long plannedBytes = 0;
        for (Mailbox m : mailboxes.values()) {
            long[] planned = m.planned();
            plannedMessages += planned[0];
            plannedBytes += planned[1];
        }
        long messages = copiedMessages.get();
        long bytes = copiedBytes.get();
        // a message is counted as copied just before its mailbox's share is updated: never show more copied than planned
        plannedMessages = Math.max(plannedMessages, messages);
        plannedBytes = Math.max(plannedBytes, bytes);
        double rate = bytes / seconds;
        long left = Math.max(0, plannedBytes - bytes);
        Duration remaining = rate > 0 && plannedBytes > 0 ? Duration.ofSeconds((long) Math.ceil(left / rate)) : null;
        return new Snapshot(mailboxesTotal.get(), mailboxesDone.get(), mailboxesFailed.get(), mailboxesPlanned.get(),
                plannedMessages, plannedBytes, messages, bytes, skipped.get(), failed.get(),
                elapsed, messages / seconds, rate, remaining, Duration.ofMillis(throttledMillis.get()));
    }

    @Override
    public void batchStarted(String batch, int mailboxes, boolean finalPass) {
        startNanos = System.nanoTime();
        mailboxesTotal.set(mailboxes);
    }

    @Override
    public void mailboxPlanned(String emailAddress, long messages, long bytes) {
        Mailbox m = mailbox(emailAddress);
        synchronized (m) {
            if (!m.counted) {
                m.counted = true;
                mailboxesPlanned.incrementAndGet();
            }
            m.announcedMessages = messages;
            m.announcedBytes = bytes;
        }
    }

    @Override
    public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
        copiedMessages.incrementAndGet();
        copiedBytes.addAndGet(message.size());
        Mailbox m = mailbox(emailAddress);
        synchronized (m) {
            m.copiedMessages++;
            m.copiedBytes += message.size();
        }
    }

    @Override
    public void mailboxThrottled(String emailAddress, String reason, Duration delay) {
        throttledMillis.addAndGet(delay.toMillis());
        mailboxRetrying(emailAddress, 0, reason, delay); // the mailbox goes on with a new attempt, as after a retry
    }

    @Override
    public void mailboxRetrying(String emailAddress, int attempt, String reason, Duration delay) {
        Mailbox m = mailbox(emailAddress);
        synchronized (m) {
            // the next attempt announces what is left: what this one copied is part of the mailbox's total already
            m.baseMessages = m.copiedMessages;
            m.baseBytes = m.copiedBytes;
            m.announcedMessages = -1;
            m.announcedBytes = 0;
        }
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
