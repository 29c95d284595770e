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
     * Reads the raw bytes of {@code messages} (in the given order) and hands each to {@code handler}. The stream given
     * to the handler holds exactly the message's RFC 822 bytes, unchanged; it is valid only during the call. A message
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
