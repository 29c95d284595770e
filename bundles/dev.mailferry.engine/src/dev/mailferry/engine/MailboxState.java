package dev.mailferry.engine;

/** Where one mailbox of a batch stands. */
public enum MailboxState {
    /** Waiting for its first pass. */
    QUEUED,
    /** Being copied now by a running pass. */
    SYNCING,
    /** The last pass copied everything it was to copy; skips are listed in the report. */
    SYNCED,
    /**
     * The last pass went through the whole mailbox, but some messages failed (the target refused them, the source
     * could not deliver them); {@link MailboxStatus#failed()} counts them, the report lists them, and the next pass
     * tries them again.
     */
    SYNCED_WITH_ERRORS,
    /**
     * The last pass stopped early for this mailbox (server unreachable, login refused, the target refuses more
     * messages...); {@link MailboxStatus#lastError()} says why. The next pass resumes it.
     */
    FAILED,
    /** The last pass was stopped on request (Ctrl-C) before this mailbox was done; the next pass resumes it. */
    STOPPED,
    /**
     * Never stored: shown instead of {@link #SYNCING} when no process runs a pass over the batch any more (the process
     * was killed or crashed). The next pass resumes it without gaps or duplicates.
     */
    INTERRUPTED,
    /** The batch is completed. */
    COMPLETED
}
