package dev.mailferry.engine;

/** Where one mailbox of a batch stands. */
public enum MailboxState {
    /** Waiting for its first pass. */
    QUEUED,
    /** Being copied now (or the pass was interrupted: the next run resumes it). */
    SYNCING,
    /** The last pass copied everything it could; skips and failed messages are listed in the report. */
    SYNCED,
    /** The last pass stopped early for this mailbox; {@link MailboxStatus#lastError()} says why. */
    FAILED,
    /** The batch is completed. */
    COMPLETED
}
