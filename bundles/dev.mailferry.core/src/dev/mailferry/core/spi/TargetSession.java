package dev.mailferry.core.spi;

import dev.mailferry.core.model.FolderPath;
import java.util.List;

/** One logged-in target mailbox. Used by one thread at a time; {@link #close()} never throws. */
public interface TargetSession extends AutoCloseable {

    /** Existing folders, with the roles the target gives them (its Sent, Drafts, Trash, Junk, Archive). */
    List<TargetFolder> listFolders() throws ConnectorException;

    /** Returns the folder at {@code path}, creating it and any missing parents. Idempotent. */
    TargetFolder createFolder(FolderPath path) throws ConnectorException;

    /** Opens a folder for appending. At most one writer per session is open at a time. */
    TargetFolderWriter openFolder(TargetFolder folder) throws ConnectorException;

    @Override
    void close();
}
