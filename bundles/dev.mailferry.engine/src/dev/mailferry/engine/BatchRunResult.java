package dev.mailferry.engine;

import java.time.Duration;
import java.util.List;

/**
 * Outcome of one pass over a batch.
 *
 * @param batch     the batch name
 * @param state     the batch state after the pass
 * @param mailboxes status of every mailbox after the pass
 * @param duration  wall-clock time of the pass
 * @param log       the batch log file of this pass
 */
public record BatchRunResult(String batch, BatchState state, List<MailboxStatus> mailboxes, Duration duration,
        java.nio.file.Path log) {

    public long failedMailboxes() {
        return mailboxes.stream().filter(m -> m.state() == MailboxState.FAILED).count();
    }
}
