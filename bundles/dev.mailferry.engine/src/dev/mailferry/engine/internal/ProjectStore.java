package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MailboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The project-wide part of the state store, for the project, the batches and the reports: the mailbox list, batches,
 * each mailbox's pass, and the statuses and problems the reports show. The per-folder work of a pass is
 * {@link SyncStore}'s.
 */
public interface ProjectStore {

    // mailboxes
    void putMailboxes(Collection<MailboxEntry> entries) throws StoreException;

    List<MailboxEntry> mailboxes() throws StoreException;

    Optional<MailboxEntry> mailbox(String email) throws StoreException;

    // batches
    void createBatch(String name, BatchOptions options, List<String> emails, Instant created) throws StoreException;

    List<BatchInfo> batches() throws StoreException;

    Optional<BatchInfo> batch(String name) throws StoreException;

    /** Replaces the batch's options; later passes plan with them. */
    void setBatchOptions(String name, BatchOptions options) throws StoreException;

    /** Takes mailboxes out of the batch; their folder and message records stay (they belong to the mailbox). */
    void removeFromBatch(String name, Collection<String> emails) throws StoreException;

    void batchPassStarted(String name, BatchState state, Instant start) throws StoreException;

    void batchPassFinished(String name, BatchState state, Instant end) throws StoreException;

    List<MailboxStatus> mailboxStatuses(String batch) throws StoreException;

    void markMailboxCompleted(String batch, String email) throws StoreException;

    void mailboxPassStarted(String batch, String email) throws StoreException;

    /** @param throttled how long the pass waited because the target asked to slow down */
    void mailboxPassFinished(String batch, String email, MailboxState state, long copied, Duration duration,
            Duration throttled, String error, Instant end) throws StoreException;

    // reports
    List<FolderStatus> folderStatuses(String email) throws StoreException;

    void forEachProblem(String email, ProblemConsumer consumer) throws StoreException;

    /** Receives skipped and failed messages for the detail report. */
    @FunctionalInterface
    interface ProblemConsumer {
        void accept(FolderPath folder, long uid, String messageId, long size, Instant internalDate,
                MessageStatus status, String reason) throws StoreException;
    }
}
