package dev.mailferry.core.spi;

import dev.mailferry.core.model.FolderPath;
import java.util.List;

/** One logged-in target mailbox. Used by one thread at a time; {@link #close()} never throws. */
public interface TargetSession extends AutoCloseable {

    /** Existing folders, with the roles the target gives them (its Sent, Drafts, Trash, Junk, Archive). */
    List<TargetFolder> listFolders() throws ConnectorException;

    /** Returns the folder at {@code path}, creating it and any missing parents. Idempotent. */
    TargetFolder createFolder(FolderPath path) throws ConnectorException;

    /**
     * The path {@link #createFolder} really creates for {@code wanted}: a target that cannot hold some characters in a
     * folder name (IMAP: its hierarchy delimiter) says here how it changes them. Idempotent: a storable path comes back
     * unchanged. The engine decides every target name through this, so that it can keep two source folders from meeting
     * in one target folder when their names differ only in such characters. Default: every name is storable.
     */
    default FolderPath storablePath(FolderPath wanted) throws ConnectorException {
        return wanted;
    }

    /**
     * Whether the target takes folder names that differ only in case for one folder (Exchange: "Work" and "work"), so
     * that the engine keeps two source folders whose names differ only in case apart. Default: false.
     */
    default boolean ignoresFolderNameCase() {
        return false;
    }

    /**
     * Renames {@code folder}, with its subfolders, to {@code newPath} (a storable path whose folder does not exist yet),
     * creating missing parents; the messages keep their target ids where the target can (IMAP RENAME keeps UIDs). Used
     * to follow a folder renamed on the source. Default: not supported, and the engine keeps the old target folder.
     */
    default TargetFolder renameFolder(TargetFolder folder, FolderPath newPath) throws ConnectorException {
        throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "This target cannot rename folders");
    }

    /**
     * How many messages each of {@code folders} holds now, read back from the target apart from the appends (IMAP:
     * STATUS; Exchange Online: Microsoft Graph), so that the engine can check after a pass that the messages it recorded
     * as copied are there. A folder the target cannot count is left out. Call it with no writer open. Default: none
     * (the target cannot say).
     */
    default java.util.Map<FolderPath, Long> messageCounts(java.util.Collection<TargetFolder> folders)
            throws ConnectorException {
        return java.util.Map.of();
    }

    /** Opens a folder for appending. At most one writer per session is open at a time. */
    TargetFolderWriter openFolder(TargetFolder folder) throws ConnectorException;

    @Override
    void close();
}
