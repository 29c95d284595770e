package dev.mailferry.core.spi;

import java.util.List;

/** One logged-in source mailbox. Used by one thread at a time; {@link #close()} logs out and never throws. */
public interface SourceSession extends AutoCloseable {

    /** Every folder of the mailbox, parents before children, including hierarchy-only nodes. */
    List<SourceFolder> listFolders() throws ConnectorException;

    /** Opens a folder read-only (IMAP EXAMINE). At most one folder reader per session is open at a time. */
    SourceFolderReader openFolder(SourceFolder folder) throws ConnectorException;

    /**
     * The number of messages in a selectable folder now, for planning (the engine sizes its work with it before it
     * scans). Connectors override this when they can count without opening the folder (IMAP STATUS).
     */
    default int messageCount(SourceFolder folder) throws ConnectorException {
        try (SourceFolderReader reader = openFolder(folder)) {
            return reader.messageCount();
        }
    }

    /**
     * The folder's state now, read without opening it, so that the engine can pass over a folder in which nothing
     * changed since its last complete pass; null when the source cannot tell (IMAP without CONDSTORE): the folder is
     * then scanned on every pass.
     */
    default FolderState folderState(SourceFolder folder) throws ConnectorException {
        return null;
    }

    @Override
    void close();
}
