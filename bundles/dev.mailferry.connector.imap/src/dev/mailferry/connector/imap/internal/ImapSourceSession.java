package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.FolderState;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import java.util.ArrayList;
import java.util.List;

/** One logged-in source mailbox. Only reads: LIST, EXAMINE, FETCH with BODY.PEEK. */
final class ImapSourceSession implements SourceSession {

    private final ImapConnection connection;
    private ImapSourceFolderReader openReader;

    ImapSourceSession(ImapConnection connection) {
        this.connection = connection;
    }

    @Override
    public List<SourceFolder> listFolders() throws ConnectorException {
        FolderNames names = FolderNames.of(connection, connection.endpoint().userRoot());
        List<SourceFolder> folders = new ArrayList<>();
        for (FolderNames.Listed listed : listed(connection, names)) {
            folders.add(new SourceFolder(listed.path(), listed.nativeName(), listed.specialUse(), listed.selectable()));
        }
        return folders;
    }

    static List<FolderNames.Listed> listed(ImapConnection connection, FolderNames names) throws ConnectorException {
        return names.fromList(connection.call("list folders", () -> connection.protocol().list("", names.listPattern())));
    }

    @Override
    public SourceFolderReader openFolder(SourceFolder folder) throws ConnectorException {
        if (!folder.selectable()) {
            throw new ConnectorException(Kind.NOT_FOUND,
                    "Folder '" + folder.path() + "' on " + connection.where() + " holds no messages (\\Noselect).");
        }
        if (openReader != null) {
            openReader.close();
        }
        openReader = ImapSourceFolderReader.open(connection, folder, this);
        return openReader;
    }

    /** STATUS (MESSAGES): one round trip, the folder stays unselected. */
    @Override
    public int messageCount(SourceFolder folder) throws ConnectorException {
        if (!folder.selectable()) {
            return 0;
        }
        String decoded = FolderNames.decode(folder.nativeName());
        return connection.call("count the messages of '" + folder.path() + "'",
                () -> connection.protocol().status(decoded, MESSAGES)).total;
    }

    private static final String[] MESSAGES = {"MESSAGES"};
    private static final String[] STATE = {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "HIGHESTMODSEQ"};

    /** STATUS with HIGHESTMODSEQ, where the server offers CONDSTORE (RFC 7162); else null. */
    @Override
    public FolderState folderState(SourceFolder folder) throws ConnectorException {
        if (!folder.selectable() || !connection.protocol().hasCapability("CONDSTORE")) {
            return null;
        }
        String decoded = FolderNames.decode(folder.nativeName());
        org.eclipse.angus.mail.imap.protocol.Status status = connection.call("read the state of '" + folder.path()
                + "'", () -> connection.protocol().status(decoded, STATE));
        if (status.highestmodseq <= 0 || status.uidvalidity <= 0 || status.uidnext <= 0) {
            return null; // the server did not say: no way to tell that nothing changed
        }
        return new FolderState(status.uidvalidity, status.uidnext, status.highestmodseq, status.total);
    }

    void readerClosed(ImapSourceFolderReader reader) {
        if (openReader == reader) {
            openReader = null;
        }
    }

    @Override
    public void close() {
        if (openReader != null) {
            openReader.close();
        }
        connection.close();
    }
}
