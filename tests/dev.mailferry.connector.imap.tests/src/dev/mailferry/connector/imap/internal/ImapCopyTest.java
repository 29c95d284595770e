package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.client;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.message;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceFolderReader.MessageBodyHandler;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetFolderWriter.AppendListener;
import dev.mailferry.core.spi.TargetFolderWriter.AppendedMessage;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Source and target against real Dovecot instances with different delimiters: bytes, flags, dates, recovery. */
class ImapCopyTest extends ImapConnectorTestBase {

    /** '.' delimiter, SPECIAL-USE, messages above 350 kB refused. */
    static DovecotServer dots;
    /** '/' delimiter, no SPECIAL-USE. */
    static DovecotServer slashes;

    @BeforeAll
    static void startServers() throws IOException {
        dots = startDovecot("dots", '.', true, 350_000);
        slashes = startDovecot("slashes", '/', false, 0);
    }

    /** Collects append outcomes. */
    static final class Outcomes implements AppendListener {
        final Map<Long, String> accepted = new LinkedHashMap<>();
        final Map<Long, MessageFlags> dropped = new LinkedHashMap<>();
        final Map<Long, String> rejected = new LinkedHashMap<>();

        @Override
        public void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags) {
            assertNull(accepted.put(message.uid(), targetId), "reported twice: " + message.uid());
            dropped.put(message.uid(), droppedFlags);
        }

        @Override
        public void rejected(MessageInfo message, String reason) {
            rejected.put(message.uid(), reason);
        }
    }

    static List<MessageInfo> scan(SourceFolderReader reader) throws ConnectorException {
        List<MessageInfo> messages = new ArrayList<>();
        reader.scanMessages(1, Long.MAX_VALUE, messages::add);
        return messages;
    }

    static SourceFolder folder(SourceSession session, FolderPath path) throws ConnectorException {
        return session.listFolders().stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no folder " + path));
    }

    /** Copies one folder the way the engine does: scan, read bodies, pipelined append, flush. */
    static Outcomes copy(SourceSession from, FolderPath path, TargetSession to) throws ConnectorException {
        Outcomes outcomes = new Outcomes();
        TargetFolder targetFolder = to.createFolder(path);
        try (SourceFolderReader reader = from.openFolder(folder(from, path));
                TargetFolderWriter writer = to.openFolder(targetFolder)) {
            List<MessageInfo> messages = scan(reader);
            reader.readMessages(messages, new MessageBodyHandler() {
                @Override
                public void body(MessageInfo message, InputStream rawMessage) throws ConnectorException {
                    writer.append(message, message.flags(), rawMessage, outcomes);
                }

                @Override
                public void vanished(MessageInfo message) {
                    throw new AssertionError("vanished: " + message);
                }
            });
            writer.flush();
        }
        return outcomes;
    }

    @Test
    void copiesRawBytesFlagsKeywordsAndInternalDatesAcrossDelimiters() throws Exception {
        byte[][] inbox = {
                message("Plain one", "Message-ID: <one@example.org>", 200),
                message("Gr\u00c3\u00bc\u00c3\u009fe 8-bit subject, no Message-ID", null, 500),
                message("Broken id", "Message-ID: not-an-id-\u00fc", 100, "X-Latin1: caf\u00e9"),
                message("Large", "Message-ID:\r\n <folded@example.org>", 300_000),
        };
        String[] flags = { "\\Seen", "\\Flagged $Forwarded", null, "\\Answered \\Draft Important" };
        String[] dates = { "04-Mar-2021 05:06:07 +0000", "31-Dec-2019 23:59:59 +0100", "01-Jan-2000 00:00:00 -0800",
                "15-Jul-2023 12:00:00 +0200" };
        try (TestImapClient seed = client(dots, "alice")) {
            for (int i = 0; i < inbox.length; i++) {
                seed.append("INBOX", flags[i], dates[i], inbox[i]);
            }
            seed.command("CREATE \"Archiv.&ANw-bersicht\"");
            seed.append("Archiv.&ANw-bersicht", "\\Seen", "02-Feb-2022 02:02:02 +0000",
                    message("In a non-ASCII folder", "Message-ID: <nonascii@example.org>", 50));
        }
        Map<Long, byte[]> sourceInboxBefore;
        Map<Long, String> sourceFlagsBefore;
        try (TestImapClient check = client(dots, "alice")) {
            sourceInboxBefore = check.bodies("INBOX");
            sourceFlagsBefore = check.flags("INBOX");
        }

        FolderPath umlautFolder = FolderPath.of("Archiv", "\u00dcbersicht");
        Outcomes inboxOutcomes;
        Outcomes folderOutcomes;
        List<MessageInfo> sourceInfos;
        try (SourceSession from = source.open(plain(dots), credentials("alice"));
                TargetSession to = target.open(plain(slashes), credentials("alice"))) {
            try (SourceFolderReader reader = from.openFolder(folder(from, FolderPath.of("INBOX")))) {
                sourceInfos = scan(reader);
            }
            inboxOutcomes = copy(from, FolderPath.of("INBOX"), to);
            folderOutcomes = copy(from, umlautFolder, to);
        }
        assertEquals(4, inboxOutcomes.accepted.size(), inboxOutcomes.rejected.toString());
        assertEquals(1, folderOutcomes.accepted.size());
        for (String targetId : inboxOutcomes.accepted.values()) {
            assertNotNull(targetId);
            assertTrue(targetId.matches("\\d+:\\d+"), targetId);
        }

        // The source is untouched: same bytes, same flags (the unseen message is still unseen).
        try (TestImapClient check = client(dots, "alice")) {
            Map<Long, String> after = check.flags("INBOX");
            assertEquals(sourceFlagsBefore, after);
            assertEquals("", after.get(3L), "read without being seen");
        }
        // Bytes identical on the target, in order.
        try (TestImapClient check = client(slashes, "alice")) {
            List<byte[]> targetBodies = new ArrayList<>(check.bodies("INBOX").values());
            List<byte[]> sourceBodies = new ArrayList<>(sourceInboxBefore.values());
            assertEquals(sourceBodies.size(), targetBodies.size());
            for (int i = 0; i < sourceBodies.size(); i++) {
                assertArrayEquals(sourceBodies.get(i), targetBodies.get(i), "message " + i);
                assertArrayEquals(inbox[i], targetBodies.get(i), "message " + i + " as written");
            }
            assertTrue(check.list().stream().anyMatch(l -> l.endsWith("\"/\" Archiv/&ANw-bersicht")), check.list()
                    .toString());
        }
        // Flags, keywords, dates and Message-IDs as the connector reads them back from the target.
        try (SourceSession back = source.open(plain(slashes), credentials("alice"));
                SourceFolderReader reader = back.openFolder(folder(back, FolderPath.of("INBOX")))) {
            List<MessageInfo> copied = scan(reader);
            assertEquals(sourceInfos.size(), copied.size());
            for (int i = 0; i < copied.size(); i++) {
                MessageInfo original = sourceInfos.get(i);
                MessageInfo copy = copied.get(i);
                assertEquals(original.flags(), copy.flags(), "flags of " + i);
                assertEquals(original.internalDate(), copy.internalDate(), "date of " + i);
                assertEquals(original.size(), copy.size());
                assertEquals(original.messageId(), copy.messageId());
                assertEquals(original.uid(), inboxOutcomes.accepted.keySet().toArray(Long[]::new)[i]);
                assertEquals(reader.uidValidity() + ":" + copy.uid(), inboxOutcomes.accepted.get(original.uid()));
            }
        }
        assertEquals(Instant.parse("2019-12-31T22:59:59Z"), sourceInfos.get(1).internalDate());
        assertEquals(MessageFlags.of(EnumSet.of(SystemFlag.FLAGGED), Set.of("$Forwarded")), sourceInfos.get(1).flags());
        assertEquals(MessageFlags.of(EnumSet.of(SystemFlag.ANSWERED, SystemFlag.DRAFT), Set.of("Important")),
                sourceInfos.get(3).flags());
        assertEquals("<one@example.org>", sourceInfos.get(0).messageId());
        assertNull(sourceInfos.get(1).messageId());
        assertTrue(sourceInfos.get(2).messageId().startsWith("not-an-id-"), sourceInfos.get(2).messageId());
        assertEquals("<folded@example.org>", sourceInfos.get(3).messageId());
    }

    @Test
    void appendedSinceFindsExactlyTheMessagesAfterTheCheckpoint() throws Exception {
        try (TargetSession to = target.open(plain(slashes), credentials("bob"))) {
            TargetFolder folder = to.createFolder(FolderPath.of("Recovery"));
            String checkpoint;
            List<MessageInfo> late = new ArrayList<>();
            try (TargetFolderWriter writer = to.openFolder(folder)) {
                Outcomes outcomes = new Outcomes();
                for (int i = 1; i <= 3; i++) {
                    appendGenerated(writer, i, outcomes);
                }
                checkpoint = writer.checkpoint();
                for (int i = 4; i <= 5; i++) {
                    late.add(appendGenerated(writer, i, outcomes));
                }
                writer.flush();
                assertEquals(5, outcomes.accepted.size());
            }
            try (TargetFolderWriter writer = to.openFolder(folder)) {
                List<AppendedMessage> since = writer.appendedSince(checkpoint);
                assertEquals(2, since.size(), since.toString());
                for (int i = 0; i < 2; i++) {
                    assertEquals(late.get(i).fingerprint(), since.get(i).fingerprint());
                }
                assertEquals(List.of(), writer.appendedSince(writer.checkpoint()));
                // An unknown UIDVALIDITY means every message of the folder may be ours.
                assertEquals(5, writer.appendedSince("1:1").size());
            }
        }
    }

    private static MessageInfo appendGenerated(TargetFolderWriter writer, int i, Outcomes outcomes)
            throws ConnectorException {
        byte[] raw = message("Generated " + i, "Message-ID: <gen" + i + "@example.org>", 100 * i);
        MessageInfo info = new MessageInfo(i, raw.length, Instant.parse("2020-01-0" + i + "T10:00:00Z"),
                MessageFlags.NONE, "<gen" + i + "@example.org>", false);
        writer.append(info, info.flags(), new ByteArrayInputStream(raw), outcomes);
        return info;
    }

    @Test
    void refusedAppendIsReportedWithTheServersReasonAndThePipelineGoesOn() throws Exception {
        try (TargetSession to = target.open(plain(dots), credentials("carol"));
                TargetFolderWriter writer = to.openFolder(to.createFolder(FolderPath.of("INBOX")))) {
            Outcomes outcomes = new Outcomes();
            byte[] small = message("small", "Message-ID: <s@example.org>", 100);
            // 400 kB travels in a MULTIAPPEND group whose refusal must be resolved message by message;
            // 1.2 MB is streamed as a single APPEND.
            byte[] grouped = message("too large, grouped", "Message-ID: <g@example.org>", 400_000);
            byte[] streamed = message("too large, streamed", "Message-ID: <h@example.org>", 1_200_000);
            byte[][] messages = { small, grouped, small, streamed, small };
            Instant date = Instant.parse("2024-05-06T07:08:09Z");
            for (int i = 0; i < messages.length; i++) {
                writer.append(new MessageInfo(i + 1, messages[i].length, date, MessageFlags.NONE, null, false),
                        MessageFlags.NONE, new ByteArrayInputStream(messages[i]), outcomes);
            }
            writer.flush();
            assertEquals(Set.of(1L, 3L, 5L), outcomes.accepted.keySet());
            assertEquals(Set.of(2L, 4L), outcomes.rejected.keySet());
            for (String reason : outcomes.rejected.values()) {
                assertTrue(reason.toLowerCase().contains("size"), reason);
            }
            assertEquals(3, writer.appendedSince("1:1").size(), "exactly the accepted messages are stored");
        }
    }

    @Test
    void keywordsTheTargetCannotStoreAreDroppedAndReported() throws Exception {
        try (TargetSession to = target.open(plain(slashes), credentials("dave"));
                TargetFolderWriter writer = to.openFolder(to.createFolder(FolderPath.of("INBOX")))) {
            Outcomes outcomes = new Outcomes();
            byte[] raw = message("keywords", "Message-ID: <k@example.org>", 100);
            MessageFlags flags = MessageFlags.of(EnumSet.of(SystemFlag.SEEN), Set.of("$Label1", "bad(keyword"));
            writer.append(new MessageInfo(1, raw.length, Instant.parse("2024-01-01T00:00:00Z"), flags, null, false),
                    flags, new ByteArrayInputStream(raw), outcomes);
            writer.flush();
            assertEquals(Set.of("bad(keyword"), outcomes.dropped.get(1L).keywords());
            String targetId = outcomes.accepted.get(1L);

            writer.updateFlags(targetId, MessageFlags.of(EnumSet.of(SystemFlag.FLAGGED), Set.of("$Done")));
            try (TestImapClient check = client(slashes, "dave")) {
                check.command("EXAMINE INBOX");
                String answer = check.command("UID FETCH " + targetId.split(":")[1] + " (FLAGS)");
                assertTrue(answer.contains("\\Flagged") && answer.contains("$Done"), answer);
                assertFalse(answer.contains("\\Seen") || answer.contains("$Label1"), answer);
            }
        }
    }

    @Test
    void messagesExpungedAfterListingAreReportedAsVanished() throws Exception {
        try (TestImapClient seed = client(dots, "erin")) {
            for (int i = 1; i <= 3; i++) {
                seed.append("INBOX", null, null, message("m" + i, "Message-ID: <v" + i + "@example.org>", 100));
            }
        }
        try (SourceSession from = source.open(plain(dots), credentials("erin"));
                SourceFolderReader reader = from.openFolder(folder(from, FolderPath.of("INBOX")))) {
            List<MessageInfo> messages = scan(reader);
            assertEquals(3, messages.size());
            try (TestImapClient other = client(dots, "erin")) {
                other.command("SELECT INBOX");
                other.command("UID STORE " + messages.get(1).uid() + " +FLAGS.SILENT (\\Deleted)");
                other.command("EXPUNGE");
            }
            List<Long> read = new ArrayList<>();
            List<Long> vanished = new ArrayList<>();
            reader.readMessages(messages, new MessageBodyHandler() {
                @Override
                public void body(MessageInfo message, InputStream rawMessage) throws IOException {
                    assertEquals(message.size(), rawMessage.readAllBytes().length);
                    read.add(message.uid());
                }

                @Override
                public void vanished(MessageInfo message) {
                    vanished.add(message.uid());
                }
            });
            assertEquals(List.of(messages.get(0).uid(), messages.get(2).uid()), read);
            assertEquals(List.of(messages.get(1).uid()), vanished);
        }
    }

    @Test
    void manyMessagesAreScannedByUidRangeAndCopiedInBatches() throws Exception {
        int count = 600;
        try (TestImapClient seed = client(dots, "frank")) {
            seed.command("CREATE Bulk");
            for (int i = 1; i <= count; i++) {
                seed.append("Bulk", i % 2 == 0 ? "\\Seen" : null, null,
                        message("bulk " + i, "Message-ID: <bulk" + i + "@example.org>", 2_000 + (i % 7) * 9_000));
            }
        }
        try (SourceSession from = source.open(plain(dots), credentials("frank"));
                TargetSession to = target.open(plain(slashes), credentials("frank"))) {
            try (SourceFolderReader reader = from.openFolder(folder(from, FolderPath.of("Bulk")))) {
                assertEquals(count, reader.messageCount());
                List<MessageInfo> range = new ArrayList<>();
                reader.scanMessages(101, 200, range::add);
                assertEquals(100, range.size());
                assertEquals(101, range.get(0).uid());
                assertEquals(200, range.get(99).uid());
                List<MessageInfo> tail = new ArrayList<>();
                reader.scanMessages(590, Long.MAX_VALUE, tail::add);
                assertEquals(11, tail.size());
            }
            long start = System.nanoTime();
            Outcomes outcomes = copy(from, FolderPath.of("Bulk"), to);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(count, outcomes.accepted.size());
            System.out.printf("copied %d messages in %.2f s: %.0f msg/s%n", count, seconds, count / seconds);
        }
        try (TestImapClient a = client(dots, "frank"); TestImapClient b = client(slashes, "frank")) {
            List<byte[]> sourceBodies = new ArrayList<>(a.bodies("Bulk").values());
            List<byte[]> targetBodies = new ArrayList<>(b.bodies("Bulk").values());
            assertEquals(count, targetBodies.size());
            for (int i = 0; i < count; i++) {
                assertArrayEquals(sourceBodies.get(i), targetBodies.get(i), "message " + i);
            }
        }
    }

    @Test
    void scanPagesThroughLargeFoldersAndStartsAtAnyUid() throws Exception {
        int count = 4_500; // more than two scan pages
        Path maildir = dots.mailDir("gina");
        for (String sub : new String[] { "cur", "new", "tmp" }) {
            java.nio.file.Files.createDirectories(maildir.resolve(sub));
        }
        for (int i = 1; i <= count; i++) {
            java.nio.file.Files.write(maildir.resolve("cur").resolve("1700000000.M" + i + "P1.test:2," + (i % 2 == 0 ? "S" : "")),
                    message("tiny " + i, "Message-ID: <tiny" + i + "@example.org>", 10));
        }
        dots.fixMailOwnership();
        try (SourceSession from = source.open(plain(dots), credentials("gina"));
                SourceFolderReader reader = from.openFolder(folder(from, FolderPath.of("INBOX")))) {
            assertEquals(count, reader.messageCount());
            List<MessageInfo> all = scan(reader);
            assertEquals(count, all.size());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i).uid() > all.get(i - 1).uid(), "increasing UIDs at " + i);
            }
            assertEquals(count / 2, all.stream().filter(m -> m.flags().has(SystemFlag.SEEN)).count());
            long from3000 = all.get(2999).uid();
            List<MessageInfo> tail = new ArrayList<>();
            reader.scanMessages(from3000, Long.MAX_VALUE, tail::add);
            assertEquals(count - 2999, tail.size());
            assertEquals(from3000, tail.get(0).uid());
            List<MessageInfo> none = new ArrayList<>();
            reader.scanMessages(all.get(count - 1).uid() + 1, Long.MAX_VALUE, none::add);
            assertEquals(List.of(), none, "past the last UID nothing is listed, not the last message");

            // in steps, as the engine copies a folder while it scans it; a step may cross SCAN_PAGE
            List<Long> stepped = new ArrayList<>();
            long after = 0;
            int steps = 0;
            for (int n; (n = reader.scanSome(after + 1, Long.MAX_VALUE, 1999, m -> stepped.add(m.uid()))) > 0; steps++) {
                assertTrue(n <= 1999, "at most the limit: " + n);
                after = stepped.get(stepped.size() - 1);
            }
            assertEquals(all.stream().map(MessageInfo::uid).toList(), stepped);
            assertEquals((count + 1998) / 1999, steps);
            assertEquals(0, reader.scanSome(all.get(count - 1).uid() + 1, Long.MAX_VALUE, 10,
                    m -> fail("past the end: " + m)));

            // split into three runs of about equal size, each scanned up to the next run's first UID
            long[] splits = reader.splitPoints(3);
            assertEquals(2, splits.length);
            assertEquals(all.get(count / 3).uid(), splits[0]);
            assertEquals(all.get(count * 2 / 3).uid(), splits[1]);
            List<Long> parts = new ArrayList<>();
            long partFrom = 1;
            for (int i = 0; i <= splits.length; i++) {
                long partTo = i < splits.length ? splits[i] - 1 : Long.MAX_VALUE;
                for (long at = partFrom - 1;;) {
                    List<Long> step = new ArrayList<>();
                    if (reader.scanSome(at + 1, partTo, 700, m -> step.add(m.uid())) == 0) {
                        break;
                    }
                    assertTrue(step.get(step.size() - 1) <= partTo, "within the run: " + step);
                    parts.addAll(step);
                    at = step.get(step.size() - 1);
                }
                partFrom = partTo + 1;
            }
            assertEquals(all.stream().map(MessageInfo::uid).toList(), parts);
            assertEquals(0, reader.splitPoints(count + 1).length, "more runs than messages: not split");
        }
    }
}
