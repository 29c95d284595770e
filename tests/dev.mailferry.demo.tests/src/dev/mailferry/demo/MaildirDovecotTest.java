package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A Maildir written by {@link MaildirWriter}, read back through a real Dovecot with Jakarta Mail. */
class MaildirDovecotTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pw";

    @TempDir
    static Path tempDir;

    private static final Map<Character, DovecotServer> servers = new HashMap<>();
    private static final Map<Character, MaildirManifest> manifests = new HashMap<>();

    /** One Dovecot per delimiter, filled once and shared by the tests of that delimiter. */
    private static synchronized DovecotServer server(char delimiter) throws Exception {
        DovecotServer server = servers.get(delimiter);
        if (server == null) {
            server = DovecotServer.builder(tempDir.resolve(delimiter == '.' ? "dots" : "slashes"))
                    .hierarchyDelimiter(delimiter).user(USER, PASSWORD).start();
            servers.put(delimiter, server);
            MaildirManifest manifest = new MaildirWriter(server.mailDir(USER), MaildirLayout.forDelimiter(delimiter))
                    .write(new CorpusGenerator(CorpusSpec.small(31, 150)));
            server.fixMailOwnership();
            manifests.put(delimiter, manifest);
        }
        return server;
    }

    @AfterAll
    static void stopServers() {
        servers.values().forEach(DovecotServer::stop);
    }

    @ParameterizedTest
    @ValueSource(chars = { '.', '/' })
    void foldersAppearWithTheirUnicodeNamesAndSubscriptions(char delimiter) throws Exception {
        DovecotServer server = server(delimiter);
        CorpusTestSupport.withMail(() -> {
            try (Store store = CorpusTestSupport.connect(server.host(), server.imapPort(), USER, PASSWORD)) {
                for (Folder folder : store.getDefaultFolder().list("*")) {
                    assertEquals(delimiter, folder.getSeparator());
                }
                CorpusTestSupport.assertStandardFoldersListedAndSubscribed(store);
            }
            return null;
        });
    }

    @ParameterizedTest
    @ValueSource(chars = { '.', '/' })
    void everyMessageHasItsBytesFlagsAndInternalDate(char delimiter) throws Exception {
        DovecotServer server = server(delimiter);
        MaildirManifest manifest = manifests.get(delimiter);
        CorpusTestSupport.withMail(() -> {
            try (Store store = CorpusTestSupport.connect(server.host(), server.imapPort(), USER, PASSWORD)) {
                Map<FolderPath, Integer> counts = new TreeMap<>();
                int checked = 0;
                for (FolderPath path : manifest.folders()) {
                    Folder folder = CorpusTestSupport.folder(store, path, delimiter);
                    // Read-only (EXAMINE), so fetching bodies does not set \Seen.
                    folder.open(Folder.READ_ONLY);
                    Map<String, MaildirManifest.Entry> bySha = manifest.entries(path).stream()
                            .collect(Collectors.toMap(MaildirManifest.Entry::sha256, e -> e));
                    counts.put(path, folder.getMessageCount());
                    for (Message message : folder.getMessages()) {
                        byte[] raw = CorpusTestSupport.rawBytes(message);
                        MaildirManifest.Entry entry = bySha.remove(MaildirManifest.sha256Hex(raw));
                        assertTrue(entry != null, path + ": message " + message.getMessageNumber() + " is not in the manifest");
                        assertEquals(entry.size(), ((IMAPMessage) message).getSizeLong(), entry.fileName());
                        assertEquals(entry.internalDate(), message.getReceivedDate().toInstant(), entry.fileName());
                        assertEquals(entry.flags(), CorpusTestSupport.flagsOf(message), entry.fileName());
                        assertEquals(entry.deleted(), message.isSet(Flags.Flag.DELETED), entry.fileName());
                        checked++;
                    }
                    assertTrue(bySha.isEmpty(), path + ": not served by Dovecot: " + bySha.keySet());
                    folder.close(false);
                }
                Map<FolderPath, Integer> expected = new TreeMap<>(manifest.messageCounts());
                assertEquals(expected, counts);
                assertEquals(150, checked);
            }
            return null;
        });
    }
}
