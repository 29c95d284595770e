package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.contract.TargetConnectorContractTest;
import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.demo.GraphStoredMessage;
import dev.mailferry.demo.Office365StandIn;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Office 365 target in Graph-only mode against the target contract, with the Graph stand-in (its folders kept by a
 * Dovecot as Exchange's mail store, which the connector never reaches over IMAP here: the endpoint's IMAP port is
 * closed). A Graph item keeps no original bytes, so the contract's byte-for-byte test is replaced by one that checks
 * what an item keeps; the rest of the contract applies unchanged. Plus what is particular to this mode.
 */
class Office365GraphOnlyContractTest extends TargetConnectorContractTest {

    private static final String MAILBOX = "megan@contoso.com";

    @TempDir
    static Path dir;

    private static Office365StandIn standIn;
    private static DovecotServer exchange;

    @BeforeAll
    static void start() throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        exchange = DovecotServer.builder(dir.resolve("exchange")).exchangeOnline(standIn)
                .user(MAILBOX, "only-for-the-store-3").start();
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.stop();
        }
        if (standIn != null) {
            standIn.close();
        }
    }

    @Override
    protected TargetConnector connector() throws Exception {
        return Office365ConnectionTest.office365Service();
    }

    @Override
    protected Endpoint endpoint() {
        return new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                Office365Settings.MODE, Office365Settings.MODE_GRAPH,
                Office365Settings.TENANT, standIn.tenantId(),
                Office365Settings.CLIENT_ID, standIn.clientId(),
                Office365Settings.LOGIN_URL, standIn.loginUrl(),
                Office365Settings.GRAPH_URL, standIn.graphUrl(),
                Office365Settings.IMAP_HOST, "127.0.0.1",
                Office365Settings.IMAP_PORT, "1",
                Office365Settings.TLS_TRUST, standIn.certificateSha256()));
    }

    @Override
    protected Credentials credentials() {
        return new Credentials(MAILBOX, Secret.of(standIn.clientSecret()));
    }

    @Override
    protected boolean deletesMessages() {
        return true; // DELETE /messages/{id}
    }

    @Override
    protected Credentials refusedCredentials() {
        return new Credentials(MAILBOX, Secret.of("not-the-client-secret-4711"));
    }

    /** The items of the folder as Graph holds them: no bytes; flags from isRead, flag, PR_LAST_VERB_EXECUTED, isDraft. */
    @Override
    protected List<StoredMessage> stored(TargetFolder folder) {
        return items(folder).stream().map(m -> new StoredMessage(null, flags(m), m.receivedDateTime())).toList();
    }

    private static List<GraphStoredMessage> items(TargetFolder folder) {
        String path = folder.path().join('/');
        return standIn.graphMessages(MAILBOX).stream().filter(m -> m.folder().equals(path)).toList();
    }

    private static MessageFlags flags(GraphStoredMessage m) {
        EnumSet<SystemFlag> flags = EnumSet.noneOf(SystemFlag.class);
        if (m.isRead()) {
            flags.add(SystemFlag.SEEN);
        }
        if ("flagged".equals(m.flagStatus())) {
            flags.add(SystemFlag.FLAGGED);
        }
        if ("102".equals(m.property("Integer 0x1081"))) {
            flags.add(SystemFlag.ANSWERED);
        }
        if (m.isDraft()) {
            flags.add(SystemFlag.DRAFT);
        }
        return MessageFlags.of(flags, List.of());
    }

    /** Replaced by {@link #everyAppendIsReportedOnceAndStoredAsAReceivedItem}: an item keeps no original bytes. */
    @Override
    public void everyAppendIsReportedOnceOnTheCallingThreadAndStoredExactly() {
    }

    private static byte[] message(String messageId, String subject, int bodyBytes) {
        StringBuilder text = new StringBuilder("Message-ID: <" + messageId + ">\r\nFrom: Contract <contract@example.org>\r\n"
                + "To: someone@example.org\r\nSubject: " + subject + "\r\nIn-Reply-To: <parent@example.org>\r\n"
                + "References: <root@example.org> <parent@example.org>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n");
        while (text.length() < bodyBytes) {
            text.append("Some text of ").append(subject).append(", to fill it.\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Collects outcomes; asserts they come on the calling thread. */
    private static final class Outcomes implements TargetFolderWriter.AppendListener {
        final Map<Long, String> accepted = new HashMap<>();
        final Map<Long, MessageFlags> dropped = new HashMap<>();
        final Map<Long, String> rejected = new HashMap<>();
        final Thread caller = Thread.currentThread();

        @Override
        public void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags) {
            assertEquals(caller, Thread.currentThread());
            assertFalse(accepted.containsKey(message.uid()) || rejected.containsKey(message.uid()), "reported once");
            accepted.put(message.uid(), targetId);
            dropped.put(message.uid(), droppedFlags);
        }

        @Override
        public void rejected(MessageInfo message, String reason) {
            assertEquals(caller, Thread.currentThread());
            assertFalse(accepted.containsKey(message.uid()) || rejected.containsKey(message.uid()), "reported once");
            rejected.put(message.uid(), reason);
        }
    }

    @Test
    void everyAppendIsReportedOnceAndStoredAsAReceivedItem() throws Exception {
        Instant base = Instant.parse("2023-04-05T06:07:08Z");
        List<MessageFlags> flagSets = List.of(MessageFlags.NONE, MessageFlags.of(List.of(SystemFlag.SEEN), List.of()),
                MessageFlags.of(List.of(SystemFlag.SEEN, SystemFlag.ANSWERED), List.of()),
                MessageFlags.of(List.of(SystemFlag.FLAGGED), List.of("$Label1")));
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(FolderPath.of("Graph " + UUID.randomUUID().toString().substring(0, 8)));
            Map<Long, MessageInfo> infos = new HashMap<>();
            Outcomes outcomes = new Outcomes();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 12; uid++) {
                    byte[] raw = message(uid + "@contract.example", "message " + uid, 600 + (int) uid * 97);
                    MessageInfo info = new MessageInfo(uid, raw.length, base.plusSeconds(uid * 3600),
                            flagSets.get((int) uid % 4), "<" + uid + "@contract.example>", false);
                    infos.put(uid, info);
                    writer.append(info, info.flags(), new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
            }
            assertEquals(12, outcomes.accepted.size(), "rejected: " + outcomes.rejected);
            Map<String, GraphStoredMessage> byId = new HashMap<>();
            items(folder).forEach(m -> byId.put(m.id(), m));
            assertEquals(12, byId.size());
            for (long uid = 1; uid <= 12; uid++) {
                GraphStoredMessage item = byId.get(outcomes.accepted.get(uid));
                MessageInfo info = infos.get(uid);
                assertEquals("message " + uid, item.subject());
                assertEquals("contract@example.org", item.fromAddress());
                assertEquals(info.internalDate(), item.receivedDateTime(), "delivery time = internal date");
                assertEquals(info.flags().system(), flags(item).system(), "flags of message " + uid);
                assertEquals(info.flags().keywords(), outcomes.dropped.get(uid).keywords(), "keywords are dropped");
                assertFalse(item.isDraft(), "a received item, not a draft");
                assertEquals(0, item.messageFlags() & 0x8, "no MSGFLAG_UNSENT");
                assertEquals(info.flags().has(SystemFlag.SEEN) ? 1 : 0, item.messageFlags() & 0x1, "MSGFLAG_READ");
                assertEquals("<parent@example.org>", item.property("String 0x1042"));
                assertEquals("<root@example.org> <parent@example.org>", item.property("String 0x1039"));
                assertTrue(item.property("String 0x007D").startsWith("Message-ID: <" + uid + "@contract.example>\r\n"),
                        item.property("String 0x007D"));
            }
        }
    }

    @Test
    void aMessageMarkedAsDraftStaysADraft() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials());
                TargetFolderWriter writer = session.openFolder(session.createFolder(FolderPath.of("Drafts")))) {
            byte[] raw = message("draft@contract.example", "unfinished", 300);
            MessageFlags draft = MessageFlags.of(List.of(SystemFlag.DRAFT), List.of());
            Outcomes outcomes = new Outcomes();
            writer.append(new MessageInfo(1, raw.length, Instant.parse("2024-01-01T00:00:00Z"), draft,
                    "<draft@contract.example>", false), draft, new ByteArrayInputStream(raw), outcomes);
            GraphStoredMessage item = standIn.graphMessages(MAILBOX).stream()
                    .filter(m -> m.id().equals(outcomes.accepted.get(1L))).findFirst().orElseThrow();
            assertTrue(item.isDraft());
            assertEquals(0x8, item.messageFlags() & 0x8);
        }
    }

    @Test
    void theRichestAlternativeIsTheBodyAndItsImagesStayInline() throws Exception {
        String raw = "Message-ID: <alt@contract.example>\r\nFrom: a@example.org\r\nSubject: html with an image\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nplain version\r\n--alt\r\n"
                + "Content-Type: multipart/related; boundary=\"rel\"\r\n\r\n--rel\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>html version <img src=\"cid:logo@x\"></p>\r\n"
                + "--rel\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo@x>\r\n\r\n"
                + "iVBORw0KGgo=\r\n--rel--\r\n--alt--\r\n";
        byte[] bytes = raw.getBytes(StandardCharsets.US_ASCII);
        Outcomes outcomes = new Outcomes();
        try (TargetSession session = connector().open(endpoint(), credentials());
                TargetFolderWriter writer = session.openFolder(session.createFolder(FolderPath.of("Alternatives")))) {
            writer.append(new MessageInfo(1, bytes.length, Instant.parse("2024-03-04T05:06:07Z"), MessageFlags.NONE,
                    "<alt@contract.example>", false), MessageFlags.NONE, new ByteArrayInputStream(bytes), outcomes);
        }
        GraphStoredMessage item = standIn.graphMessages(MAILBOX).stream()
                .filter(m -> m.id().equals(outcomes.accepted.get(1L))).findFirst().orElseThrow();
        assertEquals("html", item.bodyContentType());
        assertTrue(item.body().contains("html version"), item.body());
        assertEquals(1, item.attachments().size());
        GraphStoredMessage.Attachment image = item.attachments().get(0);
        assertTrue(image.isInline());
        assertEquals("logo@x", image.contentId());
        assertEquals("image/png", image.contentType());
        assertEquals(java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode("iVBORw0KGgo=")),
                java.util.HexFormat.of().formatHex(image.bytes()));
    }

    @Test
    void exchangesWellKnownFoldersCarryTheirRoles() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            Map<FolderPath, SpecialUse> roles = new HashMap<>();
            session.listFolders().forEach(f -> roles.put(f.path(), f.specialUse()));
            assertEquals(SpecialUse.INBOX, roles.get(FolderPath.of("INBOX")), roles.toString());
            assertEquals(SpecialUse.SENT, roles.get(FolderPath.of("Sent Items")), roles.toString());
            assertEquals(SpecialUse.DRAFTS, roles.get(FolderPath.of("Drafts")), roles.toString());
            assertEquals(SpecialUse.TRASH, roles.get(FolderPath.of("Deleted Items")), roles.toString());
            assertEquals(SpecialUse.JUNK, roles.get(FolderPath.of("Junk Email")), roles.toString());
        }
    }

    @Test
    void anItemLeftIncompleteByAFailedUploadIsDeletedByRecoveryAndNotFound() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(FolderPath.of("Pending " + UUID.randomUUID().toString().substring(0, 8)));
            String checkpoint;
            byte[] raw = largeMessage("pending@contract.example", 3_500_000);
            MessageInfo info = new MessageInfo(1, raw.length, Instant.parse("2024-02-03T04:05:06Z"), MessageFlags.NONE,
                    "<pending@contract.example>", false);
            Outcomes outcomes = new Outcomes();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                checkpoint = writer.checkpoint();
                standIn.graphUploadSessionLifetime(Duration.ZERO); // every chunk finds its session expired
                try {
                    ConnectorException e = assertThrows(ConnectorException.class,
                            () -> writer.append(info, MessageFlags.NONE, new ByteArrayInputStream(raw), outcomes));
                    assertFalse(e.getMessage().contains(standIn.clientSecret()));
                } finally {
                    standIn.graphUploadSessionLifetime(Duration.ofMinutes(15));
                }
            }
            assertEquals(Map.of(), outcomes.accepted, "never reported as copied");
            assertEquals(1, items(folder).size(), "the item was created, its attachment not");
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                assertEquals(List.of(), writer.appendedSince(checkpoint), "an incomplete item is no copy");
            }
            assertEquals(List.of(), items(folder), "and it is deleted");
            // copied again, whole
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                writer.append(info, MessageFlags.NONE, new ByteArrayInputStream(raw), outcomes);
                List<TargetFolderWriter.AppendedMessage> found = writer.appendedSince(checkpoint);
                assertEquals(List.of(info.fingerprint()), found.stream().map(TargetFolderWriter.AppendedMessage::fingerprint)
                        .toList());
            }
            List<GraphStoredMessage> items = items(folder);
            assertEquals(1, items.size());
            assertEquals(3_500_000, items.get(0).attachments().get(0).bytes().length);
            assertTrue(items.get(0).attachments().get(0).uploadedInChunks());
        }
    }

    @Test
    void testConnectionInGraphOnlyModeNeedsNoImap() throws Exception {
        ConnectionTestResult result = connector().testConnection(endpoint(), credentials());
        assertTrue(result.server().contains("Graph-only"), result.server());
        assertTrue(result.server().contains("Mail.ReadWrite"), result.server());
        assertTrue(result.folderCount() >= 5, "Inbox and Exchange's special folders: " + result.folderCount());
        assertTrue(connector().checkMailbox(endpoint(), credentials()).ok());
    }

    @Test
    void aMailboxCheckSaysWhenTheAppMayReadButNotWriteMail() throws Exception {
        try (Office365StandIn readOnly = Office365StandIn.builder(dir.resolve("read-only"))
                .grantedRoles(Office365StandIn.GRAPH_RESOURCE, "Mail.Read", "User.Read.All").start();
                DovecotServer store = DovecotServer.builder(dir.resolve("read-only-store")).exchangeOnline(readOnly)
                        .user(MAILBOX, "store-only-6").start()) {
            Endpoint endpoint = new Endpoint(Office365Settings.CONNECTOR_ID, Map.of(
                    Office365Settings.MODE, Office365Settings.MODE_GRAPH,
                    Office365Settings.TENANT, readOnly.tenantId(),
                    Office365Settings.CLIENT_ID, readOnly.clientId(),
                    Office365Settings.LOGIN_URL, readOnly.loginUrl(),
                    Office365Settings.GRAPH_URL, readOnly.graphUrl(),
                    Office365Settings.TLS_TRUST, readOnly.certificateSha256()));
            var check = connector().checkMailbox(endpoint, new Credentials(MAILBOX, Secret.of(readOnly.clientSecret())));
            assertFalse(check.ok(), check.toString());
            assertTrue(check.detail().contains("Mail.ReadWrite"), check.detail());
        }
    }

    private static byte[] largeMessage(String messageId, int attachmentBytes) {
        byte[] content = new byte[attachmentBytes];
        new java.util.Random(7).nextBytes(content);
        List<String> parts = new ArrayList<>();
        parts.add("Message-ID: <" + messageId + ">\r\nFrom: a@example.org\r\nSubject: large\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n\r\n");
        parts.add(java.util.Base64.getMimeEncoder().encodeToString(content));
        parts.add("\r\n--x--\r\n");
        return String.join("", parts).getBytes(StandardCharsets.US_ASCII);
    }
}
