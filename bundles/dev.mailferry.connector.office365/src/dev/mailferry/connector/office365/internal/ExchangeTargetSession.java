package dev.mailferry.connector.office365.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.util.List;

/**
 * One Exchange Online mailbox: the IMAP session writes the mail; folders are created through Microsoft Graph, so that
 * they are normal mail folders, and are then used through IMAP like any other.
 */
final class ExchangeTargetSession implements TargetSession {

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

    @Override
    public FolderPath storablePath(FolderPath wanted) throws ConnectorException {
        return imap.storablePath(wanted);
    }

    @Override
    public TargetFolder createFolder(FolderPath path) throws ConnectorException {
        TargetFolder existing = find(path);
        if (existing != null) {
            return existing;
        }
        graph.ensureFolder(mailbox, path);
        TargetFolder created = find(path);
        if (created == null) {
            throw new ConnectorException(Kind.PROTOCOL, "Microsoft Graph created the folder '" + path + "' of " + mailbox
                    + ", but Exchange's IMAP does not list it");
        }
        return created;
    }

    private TargetFolder find(FolderPath path) throws ConnectorException {
        for (TargetFolder folder : imap.listFolders()) {
            if (folder.path().equals(path)) {
                return folder;
            }
        }
        return null;
    }

    @Override
    public TargetFolder renameFolder(TargetFolder folder, FolderPath newPath) throws ConnectorException {
        return imap.renameFolder(folder, newPath);
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
