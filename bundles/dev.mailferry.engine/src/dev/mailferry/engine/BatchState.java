package dev.mailferry.engine;

/** Life cycle of a migration batch. */
public enum BatchState {
    /** Created, never started. */
    CREATED,
    /** A sync pass is running now. */
    SYNCING,
    /** The last pass finished; every mailbox synced. Later passes are incremental. */
    SYNCED,
    /**
     * The last pass finished, but at least one mailbox failed or has failed messages (and at least one did not fail);
     * see the mailbox status.
     */
    SYNCED_WITH_ERRORS,
    /** The last pass finished and every mailbox of it failed; see the mailbox status for the reasons. */
    FAILED,
    /** The last pass was stopped on request (Ctrl-C); the next start resumes it. */
    STOPPED,
    /**
     * Never stored: shown instead of {@link #SYNCING} or {@link #COMPLETING} when no process runs the pass any more
     * (killed or crashed); the next start resumes it.
     */
    INTERRUPTED,
    /** The final pass is running. */
    COMPLETING,
    /** Completed: the final pass finished and the batch syncs no more. */
    COMPLETED
}
