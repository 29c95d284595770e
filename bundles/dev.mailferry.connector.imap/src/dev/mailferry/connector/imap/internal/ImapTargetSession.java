package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.angus.mail.iap.CommandFailedException;

/** One logged-in target mailbox. */
final class ImapTargetSession implements TargetSession {

    private final ImapConnection connection;
    private FolderNames names;
    /** Every folder LIST showed, selectable or not, by path; refreshed lazily. */
    private Map<FolderPath, FolderNames.Listed> known;
    private ImapTargetFolderWriter openWriter;
    /** A writer selected a folder, which stays selected after the writer is closed. */
    private boolean folderSelected;

    ImapTargetSession(ImapConnection connection) {
        this.connection = connection;
    }

    private FolderNames names() throws ConnectorException {
        if (names == null) {
            names = FolderNames.of(connection, FolderPath.ROOT);
        }
        return names;
    }

    private Map<FolderPath, FolderNames.Listed> known() throws ConnectorException {
        if (known == null) {
            known = new HashMap<>();
            for (FolderNames.Listed listed : ImapSourceSession.listed(connection, names())) {
                known.put(listed.path(), listed);
            }
        }
        return known;
    }

    @Override
    public List<TargetFolder> listFolders() throws ConnectorException {
        known = null;
        List<TargetFolder> folders = new ArrayList<>();
        for (FolderNames.Listed listed : known().values()) {
            if (listed.selectable()) {
                folders.add(new TargetFolder(listed.path(), listed.nativeName(), listed.specialUse()));
            }
        }
        folders.sort((a, b) -> a.path().compareTo(b.path()));
        return folders;
    }

    /**
     * STATUS (MESSAGES) of each folder: one round trip each. The folder a writer left selected is unselected first:
     * servers answer STATUS on the selected folder from the session's own view (Dovecot does), which misses what other
     * sessions (the engine's other lanes) appended since this one last synchronised it.
     */
    @Override
    public Map<FolderPath, Long> messageCounts(java.util.Collection<TargetFolder> folders) throws ConnectorException {
        if (openWriter != null) {
            openWriter.close();
        }
        if (folderSelected) {
            connection.call("leave the selected folder", () -> {
                if (connection.hasCapability("UNSELECT")) {
                    connection.protocol().unselect();
                    folderSelected = false;
                } else {
                    connection.protocol().noop(); // brings the selected folder's view up to date instead
                }
                return null;
            });
        }
        Map<FolderPath, Long> counts = new HashMap<>();
        for (TargetFolder folder : folders) {
            String decoded = FolderNames.decode(folder.id());
            counts.put(folder.path(), (long) connection.call("count the messages of '" + folder.path() + "'",
                    () -> connection.protocol().status(decoded, MESSAGES)).total);
        }
        return counts;
    }

    private static final String[] MESSAGES = {"MESSAGES"};

    /**
     * A character equal to the server's hierarchy delimiter inside a folder name cannot be kept (the server would read
     * it as a level): it becomes '_'. A first segment INBOX, in any case, is the server's INBOX.
     */
    @Override
    public FolderPath storablePath(FolderPath wanted) throws ConnectorException {
        FolderPath path = FolderNames.withoutDelimiter(wanted, names().delimiter());
        if (path.depth() >= 1 && path.segments().get(0).toUpperCase(Locale.ROOT).equals("INBOX")) {
            List<String> segments = new ArrayList<>(path.segments());
            segments.set(0, "INBOX");
            path = FolderPath.of(segments);
        }
        return path;
    }

    /**
     * Creates the folder and its missing parents (and subscribes them, so mail clients show them), at
     * {@link #storablePath}{@code (requested)}: the returned folder's path is that one.
     */
    @Override
    public TargetFolder createFolder(FolderPath requested) throws ConnectorException {
        FolderNames folderNames = names();
        FolderPath path = storablePath(requested);
        FolderNames.Listed existing = known().get(path);
        if (existing != null && existing.selectable()) {
            return new TargetFolder(existing.path(), existing.nativeName(), existing.specialUse());
        }
        for (int depth = 1; depth <= path.depth(); depth++) {
            FolderPath prefix = FolderPath.of(path.segments().subList(0, depth));
            FolderNames.Listed listed = known().get(prefix);
            if (listed != null && (listed.selectable() || depth < path.depth())) {
                continue;
            }
            String serverName = folderNames.toServerName(prefix);
            try {
                connection.protocol().create(serverName);
            } catch (CommandFailedException e) {
                // Another client (or an earlier, interrupted run) may have created it: only a re-list tells.
                known = null;
                FolderNames.Listed now = known().get(prefix);
                if (now == null || (!now.selectable() && depth == path.depth())) {
                    String reason = ImapConnection.serverText(e);
                    // too many folders, over quota, no right: every further folder would be refused as well
                    throw connection.failure(ImapTargetFolderWriter.refusesEveryMessage(reason)
                            ? ConnectorException.Kind.TARGET_REFUSES : ConnectorException.Kind.PROTOCOL,
                            "Cannot create folder '" + prefix
                            + "' on " + connection.where() + ": " + reason);
                }
                continue;
            } catch (Exception e) {
                throw connection.translate(e, "create folder '" + prefix + "'");
            }
            try {
                connection.protocol().subscribe(serverName);
            } catch (Exception e) {
                // a folder that is not subscribed still receives mail; clients can subscribe later
            }
            known.put(prefix, new FolderNames.Listed(prefix, serverName, FolderNames.specialUse(prefix, null), true));
        }
        FolderNames.Listed created = known().get(path);
        return new TargetFolder(path, created.nativeName(), created.specialUse());
    }

    /**
     * IMAP RENAME (the server moves the subfolders along and keeps UIDVALIDITY and UIDs), after creating the new
     * parent when missing; subscribes the new name. Fails when {@code newPath} exists.
     */
    @Override
    public TargetFolder renameFolder(TargetFolder folder, FolderPath newPath) throws ConnectorException {
        FolderNames folderNames = names();
        FolderPath path = storablePath(newPath);
        if (known().containsKey(path)) {
            throw connection.failure(ConnectorException.Kind.PROTOCOL, "Cannot rename folder '" + folder.path() + "' to '"
                    + path + "' on " + connection.where() + ": that folder exists");
        }
        if (openWriter != null) {
            openWriter.close(); // a selected folder is not renamed under an open writer
        }
        if (path.depth() > 1) {
            createFolder(path.parent());
        }
        String from = FolderNames.decode(folder.id());
        String to = folderNames.toServerName(path);
        try {
            connection.protocol().rename(from, to);
        } catch (CommandFailedException e) {
            known = null;
            throw connection.failure(ConnectorException.Kind.PROTOCOL, "Cannot rename folder '" + folder.path() + "' to '"
                    + path + "' on " + connection.where() + ": " + ImapConnection.serverText(e));
        } catch (Exception e) {
            throw connection.translate(e, "rename folder '" + folder.path() + "'");
        }
        try {
            connection.protocol().subscribe(to);
        } catch (Exception e) {
            // a folder that is not subscribed still receives mail; clients can subscribe later
        }
        known = null; // the subfolders moved along
        FolderNames.Listed renamed = known().get(path);
        if (renamed == null) {
            throw connection.failure(ConnectorException.Kind.PROTOCOL, "Folder '" + folder.path() + "' was renamed to '"
                    + path + "' on " + connection.where() + " but is not listed under its new name");
        }
        return new TargetFolder(path, renamed.nativeName(), renamed.specialUse());
    }

    @Override
    public TargetFolderWriter openFolder(TargetFolder folder) throws ConnectorException {
        if (openWriter != null) {
            openWriter.close();
        }
        openWriter = ImapTargetFolderWriter.open(connection, folder, this);
        folderSelected = true;
        return openWriter;
    }

    void writerClosed(ImapTargetFolderWriter writer) {
        if (openWriter == writer) {
            openWriter = null;
        }
    }

    @Override
    public void close() {
        if (openWriter != null) {
            openWriter.close();
        }
        connection.close();
    }
}
