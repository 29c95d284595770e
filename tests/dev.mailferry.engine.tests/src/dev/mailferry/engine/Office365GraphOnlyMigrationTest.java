package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.GraphStoredMessage;
import dev.mailferry.demo.Office365StandIn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Office 365 target in Graph-only mode ({@code mode=graph}) end to end: the engine migrates generated Dovecot
 * mailboxes into the Graph stand-in, which keeps each created item; every source message must be there once, a
 * received (non-draft) item with its subject, sender, delivery time, read/flagged/answered state and attachments (names,
 * sizes, bytes), and nothing goes over IMAP.
 */
class Office365GraphOnlyMigrationTest extends DovecotTestBase {

    private Office365StandIn standIn;

    @AfterEach
    void stopStandIn() {
        if (standIn != null) {
            standIn.close();
        }
    }

    /** An Office 365 target endpoint on the stand-ins in Graph-only mode (the IMAP settings point nowhere useful). */
    static Endpoint graphOnly(Office365StandIn standIn) {
        return Office365MigrationTest.office365(standIn, "127.0.0.1", 1).with(Office365Settings.MODE,
                Office365Settings.MODE_GRAPH);
    }

    private void startGraphOnly(int users, CorpusSpec corpus) throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        start(users, corpus, servers -> servers.targetExchangeOnline(standIn));
        project.setTargetEndpoint(graphOnly(standIn));
        secrets.put(SecretKeys.targetEndpoint(project.id()), Secret.of(standIn.clientSecret()));
    }

    /** A message with a {@code size}-byte attachment of random bytes, base64-encoded. */
    static byte[] withAttachment(String messageId, String name, int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        String boundary = "b-" + size;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "Message-ID: <" + messageId + ">\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                + "From: Big Sender <big@example.org>\r\nTo: someone@example.org\r\nSubject: a large attachment\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--"
                + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n--" + boundary
                + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Base64.getMimeEncoder().encode(content));
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void everyMessageBecomesAReceivedItemWithItsStateAndAttachmentsAndFlagChangesFollow() throws Exception {
        startGraphOnly(2, CorpusSpec.small(31, 120));
        DemoEnvironmentUser alice = demo.users().get(0);
        try (ImapProbe s = sourceProbe(alice)) {
            jakarta.mail.Flags seen = new jakarta.mail.Flags(jakarta.mail.Flags.Flag.SEEN);
            // over Graph's 4 MB request limit: created without it, then attached through an upload session
            s.append(FolderPath.of("INBOX"), withAttachment("large-1@example.org", "large.bin", 5_000_000),
                    new java.util.Date(1_700_000_000_000L), seen);
        }
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        for (MailboxStatus s : result.mailboxes()) {
            assertEquals(MailboxState.SYNCED, s.state(), s.toString());
            assertEquals(0, s.failed(), s.toString());
        }
        for (DemoEnvironmentUser u : demo.users()) {
            assertSameItems(u);
        }
        List<GraphStoredMessage> items = standIn.graphMessages(alice.targetUserName());
        GraphStoredMessage large = items.stream().filter(m -> "<large-1@example.org>".equals(m.internetMessageId()))
                .findFirst().orElseThrow();
        assertEquals(1, large.attachments().size());
        assertTrue(large.attachments().get(0).uploadedInChunks(), "through an upload session");
        assertEquals(5_000_000, large.attachments().get(0).bytes().length);
        assertTrue(standIn.graphUploadChunks() >= 2, "in several chunks: " + standIn.graphUploadChunks());
        assertEquals(0, standIn.graphRequestsTooLarge(), "no request over Graph's 4 MB");
        assertEquals(0, standIn.graphThrottled(), "never more than 4 requests at once on a mailbox (else 429)");
        // received items, not drafts: PR_MESSAGE_FLAGS without MSGFLAG_UNSENT, except what the source marks \Draft
        for (GraphStoredMessage m : items) {
            assertTrue(m.messageFlags() != null, m.toString());
            assertEquals(m.isDraft(), (m.messageFlags() & 0x8) != 0, m.subject());
        }
        assertTrue(items.stream().filter(m -> !m.isDraft()).count() > items.size() / 2, "mostly received items");
        assertEquals(java.time.Instant.ofEpochSecond(1_700_000_000L), large.receivedDateTime());
        assertTrue(large.property("String 0x007D").contains("Message-ID: <large-1@example.org>"), "transport headers");
        // special folders land in Exchange's well-known folders
        assertTrue(items.stream().anyMatch(m -> m.folder().equals("Sent Items")), "Sent Items used");
        // nothing went over IMAP
        try (ImapProbe t = targetProbe(alice)) {
            assertEquals(java.util.Map.of(), nonEmpty(t.snapshot()));
        }

        // the next pass: flags changed on the source follow (PATCH), nothing is created again
        try (ImapProbe s = sourceProbe(alice)) {
            s.changeFlags(FolderPath.of("INBOX"), 1, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.FLAGGED), true);
            s.changeFlags(FolderPath.of("INBOX"), 2, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.SEEN), true);
        }
        int before = standIn.graphMessages(alice.targetUserName()).size();
        BatchRunResult second = engine.sync(project, "all", secrets, null);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state(), second.toString());
        assertEquals(0, second.mailboxes().get(0).lastPassCopied());
        assertEquals(before, standIn.graphMessages(alice.targetUserName()).size());
        assertSameItems(alice);
    }

    @Test
    void graphThrottlingIsWaitedOutWithoutAFailedMailbox() throws Exception {
        startGraphOnly(1, CorpusSpec.small(32, 40));
        // more 429s in a row than the SDK's retry handler takes (5 retries): the engine waits as Graph asked
        standIn.throttleGraph(9, 1);
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        List<String> retries = Collections.synchronizedList(new ArrayList<>());
        List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        MigrationListener listener = new MigrationListener() {
            @Override
            public void mailboxThrottled(String email, String reason, Duration delay) {
                waits.add(delay);
            }

            @Override
            public void mailboxRetrying(String email, int attempt, String reason, Duration delay) {
                retries.add(reason);
            }
        };
        BatchRunResult result = engine.sync(project, "all", secrets, listener);
        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state(), result.toString());
        assertEquals(0, result.mailboxes().get(0).failed());
        assertEquals(9, standIn.graphThrottled(), "the storm happened");
        assertFalse(waits.isEmpty(), "the engine waited as Graph asked");
        assertEquals(List.of(), retries, "being throttled is no failed attempt");
        assertSameItems(demo.users().get(0));
    }

    @Test
    void anItemOverTheMailboxsMaximumSizeIsSkippedWithGraphsReasonAndTheRestGoesOn() throws Exception {
        startGraphOnly(1, CorpusSpec.small(33, 30));
        standIn.graphMaxMessageSize(4_000_000);
        DemoEnvironmentUser alice = demo.users().get(0);
        try (ImapProbe s = sourceProbe(alice)) {
            s.append(FolderPath.of("INBOX"), withAttachment("too-large@example.org", "huge.bin", 4_500_000),
                    new java.util.Date(1_700_000_000_000L), new jakarta.mail.Flags());
        }
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(0, status.failed(), status.toString());
        assertEquals(1, status.skipped(), status.toString());
        assertEquals(MailboxState.SYNCED, status.state(), "a skip is no error: " + status);
        String details = java.nio.file.Files.readString(project.writeReport("all").details());
        assertTrue(details.contains(",skipped,refused by the target as too large: ") && details.contains(
                "ErrorMessageSizeExceeded"), details);
        assertTrue(standIn.graphMessages(alice.targetUserName()).stream()
                .noneMatch(m -> "<too-large@example.org>".equals(m.internetMessageId())), "the refused item is gone");
        assertEquals(standIn.graphMessages(alice.targetUserName()).size() + 1, sourceCount(alice));
    }

    private int sourceCount(DemoEnvironmentUser u) throws Exception {
        try (ImapProbe s = sourceProbe(u)) {
            return s.rawMessages().size();
        }
    }

    /** Every source message is one item in the stand-in, with the same description; nothing more. */
    void assertSameItems(DemoEnvironmentUser u) throws Exception {
        List<String> source;
        try (ImapProbe s = sourceProbe(u)) {
            source = GraphOnlyComparison.source(s.rawMessages());
        }
        assertFalse(source.isEmpty());
        assertEquals(source, GraphOnlyComparison.target(standIn, u.targetUserName()), "items of " + u.emailAddress());
    }
}
