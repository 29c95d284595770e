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

    /** Receives message bodies. */
    interface MessageBodyHandler {

        void body(MessageInfo message, InputStream rawMessage) throws IOException, ConnectorException;

        /** The message was expunged from the source after it was listed. */
        void vanished(MessageInfo message) throws ConnectorException;
    }
}
