package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.message;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that refuses every further message (a Dovecot with a 300 kB quota) ends the appends with one
 * {@link ConnectorException.Kind#TARGET_REFUSES} instead of a rejection per message; which answers mean that.
 */
class ImapTargetRefusalTest {

    @TempDir
    static Path dir;

    static DovecotServer quota;

    @BeforeAll
    static void startServer() throws IOException {
        quota = DovecotServer.builder(dir.resolve("quota")).storageQuota(300_000).user("carol",
                ImapTestSupport.password("carol")).start();
    }

    @AfterAll
    static void stopServer() {
        if (quota != null) {
            quota.stop();
        }
    }

    @Test
    void overQuotaStopsTheAppendsWithOneReasonInsteadOfARejectionPerMessage() throws Exception {
        ImapCopyTest.Outcomes outcomes = new ImapCopyTest.Outcomes();
        ImapTargetConnector target = new ImapTargetConnector();
        try (TargetSession to = target.open(plain(quota), credentials("carol"));
                TargetFolderWriter writer = to.openFolder(to.createFolder(FolderPath.of("INBOX")))) {
            String checkpoint = writer.checkpoint();
            ConnectorException refused = assertThrows(ConnectorException.class, () -> {
                for (int i = 1; i <= 20; i++) {
                    byte[] raw = message("quota " + i, "Message-ID: <q" + i + "@example.org>", 50_000);
                    writer.append(new MessageInfo(i, raw.length, Instant.parse("2024-01-01T00:00:00Z"),
                            MessageFlags.NONE, "<q" + i + "@example.org>", false), MessageFlags.NONE,
                            new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
            });
            assertEquals(ConnectorException.Kind.TARGET_REFUSES, refused.kind(), refused.getMessage());
            assertFalse(refused.kind().retryable());
            assertTrue(refused.getMessage().contains("[OVERQUOTA]"), refused.getMessage());
            assertTrue(refused.getMessage().contains("refuses further messages (appending to 'INBOX')"),
                    refused.getMessage());
            assertTrue(outcomes.rejected.isEmpty(), "no rejection per message: " + outcomes.rejected);
            assertTrue(outcomes.accepted.size() >= 1 && outcomes.accepted.size() < 6, outcomes.accepted.toString());
            // what was accepted (and any append still in flight) is found again from the checkpoint
            try (TargetSession again = target.open(plain(quota), credentials("carol"));
                    TargetFolderWriter check = again.openFolder(again.createFolder(FolderPath.of("INBOX")))) {
                assertTrue(check.appendedSince(checkpoint).size() >= outcomes.accepted.size());
            }
        }
    }

    @Test
    void whichRefusalsHitEveryFurtherMessage() {
        assertTrue(ImapTargetFolderWriter.refusesEveryMessage("[OVERQUOTA] Quota exceeded (mailbox for user is full)"));
        assertTrue(ImapTargetFolderWriter.refusesEveryMessage("[NOPERM] Permission denied"));
        assertTrue(ImapTargetFolderWriter.refusesEveryMessage("[READ-ONLY] Mailbox is read-only"));
        assertTrue(ImapTargetFolderWriter.refusesEveryMessage("[LIMIT] Too many mailboxes"));
        assertTrue(ImapTargetFolderWriter.refusesEveryMessage("[LIMIT] Mailbox is full"));
        assertFalse(ImapTargetFolderWriter.refusesEveryMessage(
                "[LIMIT] Mail size is larger than the maximum size allowed by server configuration"));
        assertFalse(ImapTargetFolderWriter.refusesEveryMessage("[LIMIT] Message too large"));
        assertFalse(ImapTargetFolderWriter.refusesEveryMessage("[PARSE] Invalid message header"));
        assertFalse(ImapTargetFolderWriter.refusesEveryMessage("Quota exceeded"));
        assertTrue(ImapTargetFolderWriter.isTransient("[UNAVAILABLE] Internal error"));
        assertTrue(ImapTargetFolderWriter.isTransient("[TRYCREATE] Mailbox doesn't exist: Old"));
        assertFalse(ImapTargetFolderWriter.isTransient("[OVERQUOTA] Quota exceeded"));
    }

    @Test
    void whichRefusalsAreAboutTheMessagesSize() {
        assertTrue(ImapTargetFolderWriter.refusesForSize(
                "[LIMIT] Mail size is larger than the maximum size allowed by server configuration"));
        assertTrue(ImapTargetFolderWriter.refusesForSize("[TOOBIG] Message exceeds APPENDLIMIT"));
        assertTrue(ImapTargetFolderWriter.refusesForSize("[LIMIT] Message too large"));
        assertTrue(ImapTargetFolderWriter.refusesForSize("APPEND failed: message too big"));
        assertTrue(ImapTargetFolderWriter.refusesForSize("The message exceeds the maximum message size"));
        assertFalse(ImapTargetFolderWriter.refusesForSize("[LIMIT] Line too long"));
        assertFalse(ImapTargetFolderWriter.refusesForSize("[OVERQUOTA] Quota exceeded (mailbox for user is full)"));
        assertFalse(ImapTargetFolderWriter.refusesForSize("Quota exceeded"));
        assertFalse(ImapTargetFolderWriter.refusesForSize("Can't save a zero byte message."));
        assertFalse(ImapTargetFolderWriter.refusesForSize("[PARSE] Invalid message header"));
        assertFalse(ImapTargetFolderWriter.refusesForSize(null));
    }
}
