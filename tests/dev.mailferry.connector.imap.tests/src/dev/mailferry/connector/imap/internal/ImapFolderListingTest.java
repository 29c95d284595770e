package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.client;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.message;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Folder hierarchies with '.' and '/' delimiters, modified UTF-7 names, SPECIAL-USE, user roots, folder creation. */
class ImapFolderListingTest extends ImapConnectorTestBase {

    static DovecotServer dots;
    static DovecotServer slashes;

    @BeforeAll
    static void start() throws IOException {
        dots = startDovecot("dots", '.', true, 0);
        slashes = startDovecot("slashes", '/', false, 0);
    }

    private static Map<FolderPath, SourceFolder> byPath(List<SourceFolder> folders) {
        Map<FolderPath, SourceFolder> map = new LinkedHashMap<>();
        for (SourceFolder folder : folders) {
            map.put(folder.path(), folder);
        }
        return map;
    }

    private static void assertParentsFirst(List<SourceFolder> folders) {
        List<FolderPath> seen = new ArrayList<>();
        for (SourceFolder folder : folders) {
            if (folder.path().depth() > 1) {
                assertTrue(seen.contains(folder.path().parent()), "parent of " + folder.path() + " comes first");
            }
            seen.add(folder.path());
        }
        assertEquals(FolderPath.of("INBOX"), folders.get(0).path());
    }

    @Test
    void dotDelimitedHierarchyWithSpecialUseAndNonAsciiNames() throws Exception {
        try (TestImapClient seed = client(dots, "alice")) {
            for (String name : new String[] { "Sent", "Drafts", "Trash", "Archive.2024", "Projekte.&ANw-bersicht",
                    "&ZeVnLIqe-", "Gesendete Objekte" }) {
                seed.command("CREATE \"" + name + "\"");
            }
        }
        try (SourceSession session = source.open(plain(dots), credentials("alice"))) {
            List<SourceFolder> folders = session.listFolders();
            assertParentsFirst(folders);
            Map<FolderPath, SourceFolder> map = byPath(folders);
            assertEquals(SpecialUse.INBOX, map.get(FolderPath.of("INBOX")).specialUse());
            assertEquals(SpecialUse.SENT, map.get(FolderPath.of("Sent")).specialUse());
            assertEquals(SpecialUse.DRAFTS, map.get(FolderPath.of("Drafts")).specialUse());
            assertEquals(SpecialUse.TRASH, map.get(FolderPath.of("Trash")).specialUse());
            assertEquals(SpecialUse.ARCHIVE, map.get(FolderPath.of("Archive")).specialUse());
            assertEquals(SpecialUse.NONE, map.get(FolderPath.of("Archive", "2024")).specialUse());
            // no SPECIAL-USE attribute on this server for it, so the name decides
            assertEquals(SpecialUse.SENT, map.get(FolderPath.of("Gesendete Objekte")).specialUse());
            SourceFolder umlaut = map.get(FolderPath.of("Projekte", "\u00dcbersicht"));
            assertEquals("Projekte.&ANw-bersicht", umlaut.nativeName());
            assertTrue(umlaut.selectable());
            assertEquals(0, session.messageCount(umlaut)); // STATUS on a modified UTF-7 name
            assertTrue(map.containsKey(FolderPath.of("\u65e5\u672c\u8a9e")), map.keySet().toString());
            try (SourceFolderReader reader = session.openFolder(umlaut)) {
                assertEquals(0, reader.messageCount());
            }
        }
    }

    @Test
    void slashDelimitedHierarchyWithoutSpecialUseGuessesRoles() throws Exception {
        List<String> rawList;
        try (TestImapClient seed = client(slashes, "alice")) {
            for (String name : new String[] { "Sent Items", "Junk", "Deep/Er/Folder", "&ANw-n&AO8-c&APg-d&AOk-/Sub" }) {
                seed.command("CREATE \"" + name + "\"");
            }
            rawList = seed.list();
        }
        try (SourceSession session = source.open(plain(slashes), credentials("alice"))) {
            List<SourceFolder> folders = session.listFolders();
            assertParentsFirst(folders);
            Map<FolderPath, SourceFolder> map = byPath(folders);
            assertEquals(SpecialUse.SENT, map.get(FolderPath.of("Sent Items")).specialUse());
            assertEquals(SpecialUse.JUNK, map.get(FolderPath.of("Junk")).specialUse());
            SourceFolder deep = map.get(FolderPath.of("Deep", "Er", "Folder"));
            assertEquals("Deep/Er/Folder", deep.nativeName());
            assertEquals(SpecialUse.NONE, deep.specialUse());
            SourceFolder sub = map.get(FolderPath.of("\u00dcn\u00efc\u00f8d\u00e9", "Sub"));
            assertEquals("&ANw-n&AO8-c&APg-d&AOk-/Sub", sub.nativeName());
            // Hierarchy-only nodes are listed, marked as the server marks them.
            for (FolderPath parent : List.of(FolderPath.of("Deep"), FolderPath.of("Deep", "Er"))) {
                SourceFolder node = map.get(parent);
                boolean noselect = rawList.stream().anyMatch(l -> l.endsWith("\"/\" " + node.nativeName())
                        && l.toLowerCase().contains("\\noselect"));
                assertEquals(!noselect, node.selectable(), parent + " in " + rawList);
            }
        }
    }

    @Test
    void userRootShowsOnlyTheUsersFoldersRelativeToIt() throws Exception {
        try (TestImapClient seed = client(dots, "dave")) {
            for (String name : new String[] { "Users.dave.Sent", "Users.dave.Work.Q1", "Users.other.Private",
                    "Elsewhere" }) {
                seed.command("CREATE \"" + name + "\"");
            }
            seed.append("Users.dave.Work.Q1", "\\Seen", null, message("in the root", "Message-ID: <r@x>", 50));
        }
        try (SourceSession session = source.open(plain(dots).with(ImapSettings.USER_ROOT, "Users/dave"),
                credentials("dave"))) {
            List<SourceFolder> folders = session.listFolders();
            assertEquals(List.of(FolderPath.of("Sent"), FolderPath.of("Work"), FolderPath.of("Work", "Q1")),
                    folders.stream().map(SourceFolder::path).toList());
            assertEquals(SpecialUse.SENT, folders.get(0).specialUse());
            assertEquals("Users.dave.Work.Q1", folders.get(2).nativeName());
            // counted with STATUS, through the UserRoot prefix
            assertEquals(1, session.messageCount(folders.get(2)));
            assertEquals(0, session.messageCount(folders.get(0)));
            try (SourceFolderReader reader = session.openFolder(folders.get(2))) {
                assertEquals(1, reader.messageCount());
            }
        }
    }

    @Test
    void targetCreatesFoldersWithParentsIdempotentlyAndReportsRoles() throws Exception {
        try (TargetSession session = target.open(plain(slashes), credentials("erin"))) {
            TargetFolder created = session.createFolder(FolderPath.of("Archiv", "2024", "\u00c4rger"));
            assertEquals("Archiv/2024/&AMQ-rger", created.id());
            assertEquals(created, session.createFolder(FolderPath.of("Archiv", "2024", "\u00c4rger")));
            TargetFolder inbox = session.createFolder(FolderPath.of("inbox"));
            assertEquals("INBOX", inbox.id());
            assertEquals(SpecialUse.INBOX, inbox.specialUse());
            TargetFolder withDelimiter = session.createFolder(FolderPath.of("a/b"));
            assertEquals(FolderPath.of("a_b"), withDelimiter.path());
            List<FolderPath> listed = session.listFolders().stream().map(TargetFolder::path).toList();
            assertTrue(listed.containsAll(List.of(FolderPath.of("INBOX"), FolderPath.of("Archiv"),
                    FolderPath.of("Archiv", "2024"), FolderPath.of("Archiv", "2024", "\u00c4rger"),
                    FolderPath.of("a_b"))), listed.toString());
        }
        try (TestImapClient check = client(slashes, "erin")) {
            String subscribed = check.command("LSUB \"\" \"*\"");
            assertTrue(subscribed.contains("Archiv/2024/&AMQ-rger"), subscribed);
        }
        try (TargetSession session = target.open(plain(dots), credentials("erin"))) {
            TargetFolder sent = session.createFolder(FolderPath.of("Sent"));
            assertEquals(SpecialUse.SENT, sent.specialUse());
            TargetFolder listedSent = session.listFolders().stream().filter(f -> f.path().equals(FolderPath.of("Sent")))
                    .findFirst().orElseThrow();
            assertEquals(SpecialUse.SENT, listedSent.specialUse());
            assertFalse(session.listFolders().isEmpty());
        }
    }

    @Test
    void targetRenamesAFolderWithItsSubfoldersListsItsMessagesAndSaysWhichNamesItCanHold() throws Exception {
        try (TestImapClient seed = client(dots, "gina")) {
            seed.command("CREATE \"Old\"");
            seed.command("CREATE \"Old.Sub\"");
            seed.append("Old", null, null, message("one", "Message-ID: <one@example.org>", 100));
            seed.append("Old", "\\Deleted", null, message("leaving", "Message-ID: <leaving@example.org>", 100));
            seed.append("Old.Sub", null, null, message("two", "Message-ID: <two@example.org>", 100));
        }
        try (TargetSession session = target.open(plain(dots), credentials("gina"))) {
            assertEquals(FolderPath.of("v1_2", "Mr_ Smith"), session.storablePath(FolderPath.of("v1.2", "Mr. Smith")));
            assertEquals(FolderPath.of("INBOX", "a_b"), session.storablePath(FolderPath.of("inbox", "a.b")));
            TargetFolder old = session.listFolders().stream().filter(f -> f.path().equals(FolderPath.of("Old")))
                    .findFirst().orElseThrow();
            String uidValidity;
            try (TargetFolderWriter writer = session.openFolder(old)) {
                uidValidity = writer.checkpoint().split(":")[0];
            }
            TargetFolder renamed = session.renameFolder(old, FolderPath.of("New", "Name"));
            assertEquals(FolderPath.of("New", "Name"), renamed.path());
            List<FolderPath> listed = session.listFolders().stream().map(TargetFolder::path).toList();
            assertTrue(listed.containsAll(List.of(FolderPath.of("New", "Name"), FolderPath.of("New", "Name", "Sub"))),
                    listed.toString());
            assertFalse(listed.contains(FolderPath.of("Old")) || listed.contains(FolderPath.of("Old", "Sub")),
                    listed.toString());
            List<TargetFolderWriter.AppendedMessage> existing = new ArrayList<>();
            try (TargetFolderWriter writer = session.openFolder(renamed)) {
                writer.existingMessages(existing::add);
            }
            assertEquals(1, existing.size(), "the \\Deleted message is on its way out: " + existing);
            assertTrue(existing.get(0).fingerprint().messageId().contains("one@example.org"), existing.toString());
            assertTrue(existing.get(0).targetId().startsWith(uidValidity + ":"), "RENAME keeps UIDVALIDITY: "
                    + existing + " " + uidValidity);
            assertThrows(ConnectorException.class, () -> session.renameFolder(renamed, FolderPath.of("INBOX")));
        }
        try (TargetSession session = target.open(plain(slashes), credentials("gina"))) {
            assertEquals(FolderPath.of("v1.2", "a_b"), session.storablePath(FolderPath.of("v1.2", "a/b")));
            TargetFolder empty = session.createFolder(FolderPath.of("Empty"));
            List<TargetFolderWriter.AppendedMessage> none = new ArrayList<>();
            try (TargetFolderWriter writer = session.openFolder(empty)) {
                writer.existingMessages(none::add);
            }
            assertTrue(none.isEmpty());
        }
    }
}
