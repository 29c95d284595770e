package dev.mailferry.core.spi;

import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import java.io.InputStream;
import java.util.List;

/**
 * Appends messages to one target folder.
 *
 * <p>Appends may be pipelined: {@link #append} may return before the target has answered, and reports the outcome to
 * its {@link AppendListener} later, always on the calling thread, during a later {@code append} or during
 * {@link #flush()}. After {@code flush()} returns, every appended message has been reported exactly once.
 */
public interface TargetFolderWriter extends AutoCloseable {

    /**
     * An opaque marker of the folder's current state (IMAP: UIDVALIDITY and UIDNEXT) to pass to
     * {@link #appendedSince} after a crash. Call it with no append outstanding.
     */
    String checkpoint() throws ConnectorException;

    /**
     * Fingerprints and target ids of the messages that arrived in the folder after {@code checkpoint}, or of all its
     * messages when the checkpoint no longer applies (IMAP: UIDVALIDITY changed).
     */
    List<AppendedMessage> appendedSince(String checkpoint) throws ConnectorException;

    /**
     * Passes the fingerprint, target id and flags of every message in the folder to {@code consumer}, a page at a time (memory
     * stays bounded for a large folder): the engine finds the messages already on the target before a first copy into a
     * folder that is not empty. Call it with no append outstanding. Default: not supported.
     */
    default void existingMessages(java.util.function.Consumer<AppendedMessage> consumer) throws ConnectorException {
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "This target cannot list its messages");
    }

    /**
     * Appends the raw message with its flags and internal date. {@code rawMessage} holds exactly
     * {@code message.size()} bytes and is read fully before this method returns. Flags the target cannot store
     * (keywords on a target without them) are dropped and reported through {@link AppendListener#accepted}.
     */
    void append(MessageInfo message, MessageFlags flags, InputStream rawMessage, AppendListener listener)
            throws ConnectorException;

    /** Waits until every outstanding append has been reported. */
    void flush() throws ConnectorException;

    /** Replaces the flags of a message copied earlier (incremental sync). */
    void updateFlags(String targetId, MessageFlags flags) throws ConnectorException;

    /**
     * Replaces the flags of several messages copied earlier, each with its own (incremental sync hands over the changes
     * it found a page at a time). When it returns, every message has its new flags; a failure may leave some changed
     * and others not, which repeating the call puts right. Default: {@link #updateFlags(String, MessageFlags)} for each,
     * in order; a target that can change many messages in one request overrides it.
     */
    default void updateFlags(java.util.Map<String, MessageFlags> flagsByTargetId) throws ConnectorException {
        for (java.util.Map.Entry<String, MessageFlags> update : flagsByTargetId.entrySet()) {
            updateFlags(update.getKey(), update.getValue());
        }
    }

    /**
     * Mirror deletion: deletes from this folder the messages with these target ids (as reported by
     * {@link AppendListener#accepted} or {@link #appendedSince}), and nothing else. An id that no longer names a message
     * of this folder (IMAP: recorded under another UIDVALIDITY) is left alone and not returned; deleting a message
     * that is already gone does nothing, so repeating a deletion after a crash is harmless. Call it with no append
     * outstanding. Returns the ids deleted (or already gone). Default: the target cannot delete messages
     * ({@link ConnectorException.Kind#CONFIGURATION}, saying so); the engine then deletes nothing and says why.
     */
    default List<String> deleteMessages(List<String> targetIds) throws ConnectorException {
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION,
                "this target cannot delete the messages it holds");
    }

    @Override
    void close();

    /**
     * A message found on the target, for crash recovery and {@link #existingMessages}; {@code flags} are its flags on
     * the target, or null when not known.
     */
    record AppendedMessage(String targetId, MessageFingerprint fingerprint, MessageFlags flags) {
        public AppendedMessage(String targetId, MessageFingerprint fingerprint) {
            this(targetId, fingerprint, null);
        }
    }

    /** Outcome of one append. */
    interface AppendListener {

        /**
         * The target has accepted the message.
         *
         * @param targetId     the target's id for it (IMAP: {@code uidvalidity:uid} from APPENDUID), or null when the
         *                     target does not say
         * @param droppedFlags flags the target could not store, empty when none
         */
        void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags);

        /** The target refused this message; the reason is the target's answer. */
        void rejected(MessageInfo message, String reason);

        /**
         * The target refused this message for its size (its limit is lower than the batch's maximum message size); the
         * reason is the target's answer. The engine records the message as skipped with that reason and offers it
         * again on later passes, in case the limit was raised. Default: {@link #rejected}.
         */
        default void refusedAsTooLarge(MessageInfo message, String reason) {
            rejected(message, reason);
        }
    }
}
