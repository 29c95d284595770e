package dev.mailferry.engine;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * Receives the events of a running batch: for live progress (CLI, UI) and the batch log. Mailboxes run in parallel, so
 * implementations are called from several threads at once and must be thread safe; they should return quickly (they
 * run on the copy threads). Every method has an empty default. No event carries a secret.
 */
public interface MigrationListener {

    /** A pass over the batch begins. {@code finalPass} is true for the pass run by "complete". */
    default void batchStarted(String batch, int mailboxes, boolean finalPass) {
    }

    default void mailboxStarted(String emailAddress) {
    }

    /**
     * The mailbox's folders were scanned: this pass copies {@code messages} messages totalling {@code bytes} bytes (the
     * base for an ETA). A mailbox within the item limit is copied while it is scanned, so this comes once its last folder
     * is scanned, and the messages copied by then are part of the totals.
     */
    default void mailboxPlanned(String emailAddress, long messages, long bytes) {
    }

    /**
     * Copying of one source folder into {@code target} begins; {@code messages} are to be copied, or -1 when the folder
     * is copied while it is scanned (its count comes with {@link #folderFinished}).
     */
    default void folderStarted(String emailAddress, FolderPath source, FolderPath target, long messages) {
    }

    /** The target accepted a message and it is recorded as copied. */
    default void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
    }

    /** A message is not copied on purpose (too large, beyond the item limit, deleted on the source...). */
    default void messageSkipped(String emailAddress, FolderPath source, MessageInfo message, String reason) {
    }

    /** A message could not be copied (the target refused it, the source could not deliver it). */
    default void messageFailed(String emailAddress, FolderPath source, MessageInfo message, String reason) {
    }

    default void folderFinished(String emailAddress, FolderStatus status) {
    }

    /** Something the user should know that is not a message outcome (flags dropped, messages gone from the source). */
    default void notice(String emailAddress, String text) {
    }

    /** The target asked to slow down: the mailbox waits {@code delay}, then goes on where it stopped. */
    default void mailboxThrottled(String emailAddress, String reason, Duration delay) {
    }

    /** A transient error interrupted the mailbox; it is retried after {@code delay}. */
    default void mailboxRetrying(String emailAddress, int attempt, String reason, Duration delay) {
    }

    default void mailboxFinished(MailboxStatus status) {
    }

    default void batchFinished(BatchRunResult result) {
    }

    /** A batch kept in sync on a schedule waits for its next pass, which starts at {@code when}. */
    default void nextPassScheduled(String batch, Instant when) {
    }
}
