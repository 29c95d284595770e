package dev.mailferry.engine;

/** Life cycle of a migration batch. */
public enum BatchState {
    /** Created, never started. */
    CREATED,
    /** A sync pass is running (or was interrupted by a crash: starting it again resumes). */
    SYNCING,
    /** The last pass finished; every mailbox synced. Later passes are incremental. */
    SYNCED,
    /** The last pass finished but at least one mailbox failed; see the mailbox status. */
    SYNCED_WITH_ERRORS,
    /** The final pass is running. */
    COMPLETING,
    /** Completed: the final pass finished and the batch syncs no more. */
    COMPLETED
}
