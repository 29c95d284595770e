package dev.mailferry.connector.office365.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One Exchange Online mailbox: the IMAP session writes the mail; folders are created through Microsoft Graph, so that
 * they are normal mail folders, and are then used through IMAP like any other.
 */
final class ExchangeTargetSession implements TargetSession {

    /** How often, and how far apart, IMAP is asked again for a folder Graph says exists: 5 s in all. */
    private static final int LIST_LOOKS = 10;
    private static final long LIST_PAUSE_MILLIS = 500;

    private final TargetSession imap;
    private final GraphDirectory graph;
    private final String mailbox;

    ExchangeTargetSession(TargetSession imap, GraphDirectory graph, String mailbox) {
        this.imap = imap;
        this.graph = graph;
        this.mailbox = mailbox;
    }

    @Override
    public List<TargetFolder> listFolders() throws ConnectorException {
        return imap.listFolders();
    }

    /** The IMAP target's rules ('/' in a name, INBOX), then Exchange's ({@link ExchangeFolderNames}). */
    @Override
    public FolderPath storablePath(FolderPath wanted) throws ConnectorException {
        return ExchangeFolderNames.storable(imap.storablePath(wanted));
    }

    /** Exchange's folder names are not case-sensitive: "Work" and "work" are one folder. */
    @Override
    public boolean ignoresFolderNameCase() {
        return true;
    }

    @Override
    public TargetFolder createFolder(FolderPath path) throws ConnectorException {
        TargetFolder existing = find(path);
        if (existing != null) {
            return existing;
        }
        graph.ensureFolder(mailbox, path);
        TargetFolder created = find(path);
        // an IMAP session may see a folder created elsewhere (Graph, another session) a moment later
        for (int look = 1; created == null && look <= LIST_LOOKS; look++) {
            try {
                Thread.sleep(LIST_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectorException(Kind.CONNECTION, "Interrupted while waiting for the folder '" + path
                        + "' of " + mailbox + " to appear over IMAP");
            }
            created = find(path);
        }
        if (created == null) {
            throw new ConnectorException(Kind.CONFIGURATION, "Exchange Online has the folder '" + path + "' in " + mailbox
                    + " (Graph), but its IMAP does not list it: a folder of that name that is not a mail folder (a"
                    + " calendar, contacts, notes or tasks folder, named in the mailbox's language) takes the name."
                    + " Send this source folder elsewhere with the batch's folder mapping");
        }
        return created;
    }

    /** The folder at {@code path}, its names compared as Exchange compares them: without regard to case. */
    private TargetFolder find(FolderPath path) throws ConnectorException {
        TargetFolder sameButCase = null;
        for (TargetFolder folder : imap.listFolders()) {
            if (folder.path().equals(path)) {
                return folder;
            }
            if (sameButCase == null && ExchangeFolderNames.sameIgnoringCase(folder.path(), path)) {
                sameButCase = folder;
            }
        }
        return sameButCase;
    }

    @Override
    public TargetFolder renameFolder(TargetFolder folder, FolderPath newPath) throws ConnectorException {
        return imap.renameFolder(folder, newPath);
    }

    /**
     * Read back through Microsoft Graph (each folder's totalItemCount), apart from the IMAP session that wrote: Graph's
     * names are matched without case ("Inbox" is IMAP's INBOX).
     */
    @Override
    public Map<FolderPath, Long> messageCounts(Collection<TargetFolder> folders) throws ConnectorException {
        return ExchangeFolderNames.countsOf(folders, graph.messageCounts(mailbox));
    }

    @Override
    public TargetFolderWriter openFolder(TargetFolder folder) throws ConnectorException {
        return imap.openFolder(folder);
    }

    @Override
    public void close() {
        imap.close();
    }
}
