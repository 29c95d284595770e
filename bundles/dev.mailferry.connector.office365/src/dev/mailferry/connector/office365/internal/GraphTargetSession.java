package dev.mailferry.connector.office365.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Exchange Online mailbox written through Microsoft Graph only (the connector's {@code mode=graph}), for tenants
 * that disable IMAP: folders are listed and created through Graph, Exchange's well-known folders carry their roles,
 * and each message becomes a Graph item ({@link GraphFolderWriter}).
 */
final class GraphTargetSession implements TargetSession {

    /** Graph's well-known folder names and the roles the engine maps source folders to. */
    private static final Map<String, SpecialUse> WELL_KNOWN = new LinkedHashMap<>();
    static {
        WELL_KNOWN.put("inbox", SpecialUse.INBOX);
        WELL_KNOWN.put("sentitems", SpecialUse.SENT);
        WELL_KNOWN.put("drafts", SpecialUse.DRAFTS);
        WELL_KNOWN.put("deleteditems", SpecialUse.TRASH);
        WELL_KNOWN.put("junkemail", SpecialUse.JUNK);
        WELL_KNOWN.put("archive", SpecialUse.ARCHIVE);
    }
    private static final int PAGE_SIZE = 100;

    private final GraphDirectory directory;
    private final GraphMailbox mailbox;
    /** Folder id -> role of Exchange's well-known folders, read once per session. */
    private Map<String, SpecialUse> roles;
    /** The folders last listed, with those created since: a mailbox's whole tree is not walked again per folder. */
    private List<TargetFolder> known;

    GraphTargetSession(GraphDirectory directory, String userPrincipalName) {
        this.directory = directory;
        this.mailbox = new GraphMailbox(directory, userPrincipalName);
    }

    @Override
    public List<TargetFolder> listFolders() throws ConnectorException {
        Map<String, SpecialUse> wellKnown = roles();
        List<TargetFolder> folders = new ArrayList<>();
        Deque<TargetFolder> parents = new ArrayDeque<>();
        addPage(folders, parents, null, "/mailFolders?$top=" + PAGE_SIZE, wellKnown);
        while (!parents.isEmpty()) {
            TargetFolder parent = parents.poll();
            addPage(folders, parents, parent, "/mailFolders/" + GraphMailbox.encode(parent.id()) + "/childFolders?$top="
                    + PAGE_SIZE, wellKnown);
        }
        known = new ArrayList<>(folders);
        return folders;
    }

    private void addPage(List<TargetFolder> folders, Deque<TargetFolder> parents, TargetFolder parent, String first,
            Map<String, SpecialUse> known) throws ConnectorException {
        String next = first;
        while (next != null) {
            JsonObject page = mailbox.get(next, "list the folders").json();
            for (JsonElement element : page.getAsJsonArray("value")) {
                JsonObject folder = element.getAsJsonObject();
                String id = folder.get("id").getAsString();
                SpecialUse role = known.getOrDefault(id, SpecialUse.NONE);
                String name = folder.get("displayName").getAsString();
                // Exchange's Inbox is the IMAP INBOX: the same path in both modes, so a project may switch
                FolderPath path = parent == null ? FolderPath.of(role == SpecialUse.INBOX ? "INBOX" : name)
                        : parent.path().child(name);
                TargetFolder target = new TargetFolder(path, id, role);
                folders.add(target);
                JsonElement children = folder.get("childFolderCount");
                if (children != null && !children.isJsonNull() && children.getAsInt() > 0) {
                    parents.add(target);
                }
            }
            JsonElement link = page.get("@odata.nextLink");
            next = link == null || link.isJsonNull() ? null : link.getAsString();
        }
    }

    private Map<String, SpecialUse> roles() throws ConnectorException {
        if (roles == null) {
            Map<String, SpecialUse> found = new HashMap<>();
            for (Map.Entry<String, SpecialUse> wellKnown : WELL_KNOWN.entrySet()) {
                try {
                    JsonObject folder = mailbox.get("/mailFolders/" + wellKnown.getKey() + "?$select=id",
                            "look up the folder '" + wellKnown.getKey() + "'").json();
                    found.put(folder.get("id").getAsString(), wellKnown.getValue());
                } catch (ConnectorException e) {
                    if (e.kind() != Kind.NOT_FOUND) {
                        throw e;
                    }
                    // a mailbox without an archive folder has simply none
                }
            }
            roles = found;
        }
        return roles;
    }

    /**
     * As on Exchange's IMAP (the other mode), '/' in a name becomes '_', the inbox is INBOX, and Exchange's rules for
     * names apply ({@link ExchangeFolderNames}): a project keeps its target folder names whichever mode writes them.
     */
    @Override
    public FolderPath storablePath(FolderPath wanted) {
        List<String> segments = new ArrayList<>();
        for (String segment : wanted.segments()) {
            segments.add(segments.isEmpty() && segment.equalsIgnoreCase("INBOX") ? "INBOX" : segment.replace('/', '_'));
        }
        return ExchangeFolderNames.storable(FolderPath.of(segments));
    }

    /** Exchange's folder names are not case-sensitive: "Work" and "work" are one folder. */
    @Override
    public boolean ignoresFolderNameCase() {
        return true;
    }

    /** Each folder's totalItemCount, read back through Graph. */
    @Override
    public java.util.Map<FolderPath, Long> messageCounts(java.util.Collection<TargetFolder> folders)
            throws ConnectorException {
        return ExchangeFolderNames.countsOf(folders, directory.messageCounts(mailbox.user()));
    }

    @Override
    public TargetFolder createFolder(FolderPath wanted) throws ConnectorException {
        FolderPath path = storablePath(wanted);
        if (known == null) {
            listFolders();
        }
        TargetFolder existing = find(path);
        if (existing != null) {
            return existing;
        }
        // a folder made by a well-known name exists from the start: what is created here has no role
        TargetFolder created = new TargetFolder(path, directory.ensureFolder(mailbox.user(), path), SpecialUse.NONE);
        known.add(created);
        return created;
    }

    private TargetFolder find(FolderPath path) {
        for (TargetFolder folder : known) {
            // Exchange compares folder names without case
            if (lowerCase(folder.path()).equals(lowerCase(path))) {
                return folder;
            }
        }
        return null;
    }

    private static List<String> lowerCase(FolderPath path) {
        return path.segments().stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    @Override
    public TargetFolderWriter openFolder(TargetFolder folder) throws ConnectorException {
        return new GraphFolderWriter(mailbox, folder);
    }

    @Override
    public void close() {
        // nothing is held open: every Graph request stands alone
    }
}
