package dev.mailferry.core.spi;

import dev.mailferry.core.model.MessageInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A source folder opened read-only. Reading never changes a message (no \Seen is set).
 */
public interface SourceFolderReader extends AutoCloseable {

    /** Identifies the UID space: when it changes, previously seen UIDs mean nothing any more. */
    long uidValidity();

    /** Number of messages in the folder when it was opened. */
    int messageCount();

    /**
     * Streams the metadata of the messages whose UID lies in {@code [fromUid, toUid]} (toUid may be
     * {@code Long.MAX_VALUE}) in increasing UID order, to {@code consumer}. Reads in pages, so memory stays bounded
     * whatever the folder size.
     */
    void scanMessages(long fromUid, long toUid, MessageConsumer consumer) throws ConnectorException;

    /**
     * Streams the metadata of at most {@code limit} messages whose UID lies in {@code [fromUid, toUid]}, in increasing
     * UID order, and returns how many it delivered; 0 when there are none. Lets the engine scan a large folder in steps
     * and copy each step before it scans the next, and scan the UID ranges of a split folder (see {@link #splitPoints})
     * side by side. Connectors override this to fetch no more than asked.
     */
    default int scanSome(long fromUid, long toUid, int limit, MessageConsumer consumer) throws ConnectorException {
        final class Enough extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Enough() {
                super(null, null, false, false);
            }
        }
        int[] delivered = {0};
        if (limit <= 0) {
            return 0;
        }
        try {
            scanMessages(fromUid, toUid, message -> {
                consumer.accept(message);
                if (++delivered[0] == limit) {
                    throw new Enough();
                }
            });
        } catch (Enough enough) {
            // the step is full
        }
        return delivered[0];
    }

    /**
     * UIDs that cut the folder into {@code parts} runs of about as many messages each, so that several connections can
     * copy one large folder side by side: ascending, each the first UID of a run after the first one. Empty when the
     * connector cannot tell cheaply (the folder is then copied by one connection).
     */
    default long[] splitPoints(int parts) throws ConnectorException {
        return new long[0];
    }

    /** What {@link #changesSince} answers when it cannot tell what changed: the caller scans the folder in full. */
    long CHANGES_UNKNOWN = -1;

    /**
     * Streams what changed in the folder since the modification sequence {@code modSeq} (IMAP CONDSTORE, RFC 7162) that
     * an earlier look at the folder under {@code uidValidity} reported as its highest, so that a pass over a large folder
     * in which little changed costs in proportion to the change rather than to the folder.
     *
     * <p>{@code consumer} receives, in increasing UID order, every message now in the folder that was added or whose
     * flags changed after {@code modSeq}, with the same metadata {@link #scanMessages} gives; it may also receive
     * messages that did not change. It receives as {@link ChangeConsumer#vanished vanished} every UID that was in the
     * folder then and is not any more; the ranges may also cover UIDs that never existed or were gone already then, never
     * a UID of a message still in the folder (unless it is expunged while this runs). A message expunged while this runs
     * may be reported both ways.
     *
     * <p>Returns the folder's highest modification sequence up to which the answer is complete (a later call with it
     * misses nothing that changes afterwards), or {@link #CHANGES_UNKNOWN}, having delivered nothing, when it cannot
     * tell: the source does not offer modification sequences (this default, and IMAP servers without CONDSTORE), the
     * folder keeps none (NOMODSEQ), the folder's UIDVALIDITY is no longer {@code uidValidity}, or its highest
     * modification sequence is now below {@code modSeq} (the server reset it). The caller then scans the folder in full.
     */
    default long changesSince(long uidValidity, long modSeq, ChangeConsumer consumer) throws ConnectorException {
        return CHANGES_UNKNOWN;
    }

    /**
     * Reads the raw bytes of {@code messages} (in the given order) and hands each to {@code handler}. The stream given
     * to the handler holds exactly the message's RFC 822 bytes, unchanged; it is valid only during the call, except
     * that the bytes of an {@link InMemoryMessage} may be kept. A message
     * that vanished from the source since it was listed is reported to {@link MessageBodyHandler#vanished}. The
     * connector keeps at most a bounded number of bytes in memory (a read-ahead window), whatever the message sizes.
     */
    void readMessages(List<MessageInfo> messages, MessageBodyHandler handler) throws ConnectorException;

    @Override
    void close();

    /** Receives message metadata. */
    @FunctionalInterface
    interface MessageConsumer {
        void accept(MessageInfo message) throws ConnectorException;
    }

    /** Receives what {@link #changesSince} found: changed messages as {@link #accept}, removed UIDs as ranges. */
    interface ChangeConsumer extends MessageConsumer {

        /** The UIDs {@code [fromUid, toUid]} are no longer in the folder (see {@link #changesSince}). */
        void vanished(long fromUid, long toUid) throws ConnectorException;
    }

    /** Receives message bodies. */
    interface MessageBodyHandler {

        void body(MessageInfo message, InputStream rawMessage) throws IOException, ConnectorException;

        /** The message was expunged from the source after it was listed. */
        void vanished(MessageInfo message) throws ConnectorException;
    }
}
