package dev.mailferry.engine;

import java.time.Duration;
import java.util.List;

/**
 * Outcome of one pass over a batch.
 *
 * @param batch       the batch name
 * @param state       the batch state after the pass
 * @param mailboxes   status of every mailbox after the pass
 * @param duration    wall-clock time of the pass
 * @param log         the batch log file of this pass
 * @param unreachable when every mailbox of the pass failed because one endpoint could not be reached: which one and
 *                    why, in one sentence (e.g. "The source server could not be reached: ..."); else null
 */
public record BatchRunResult(String batch, BatchState state, List<MailboxStatus> mailboxes, Duration duration,
        java.nio.file.Path log, String unreachable) {

    public BatchRunResult(String batch, BatchState state, List<MailboxStatus> mailboxes, Duration duration,
            java.nio.file.Path log) {
        this(batch, state, mailboxes, duration, log, null);
    }

    public long failedMailboxes() {
        return mailboxes.stream().filter(m -> m.state() == MailboxState.FAILED).count();
    }

    /** Mailboxes that did not come out {@link MailboxState#SYNCED} (or completed): failed, with failed messages, stopped. */
    public long mailboxesWithProblems() {
        return mailboxes.stream()
                .filter(m -> m.state() != MailboxState.SYNCED && m.state() != MailboxState.COMPLETED).count();
    }
}
