package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.client;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceFolderReader.MessageBodyHandler;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.demo.DovecotServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages above the streaming threshold: fetched in chunks, copied byte for byte, and never appended truncated. */
class ImapLargeMessageTest extends ImapConnectorTestBase {

    private static final int MB = 1 << 20;

    static DovecotServer sourceServer;
    static DovecotServer targetServer;

    @BeforeAll
    static void startServers() throws IOException {
        sourceServer = startDovecot("source", '/', false, 0);
        targetServer = startDovecot("target", '.', true, 0);
    }

    /** A message of exactly {@code size} bytes with CRLF lines of pseudo-random 8-bit text. */
    static byte[] bulkyMessage(String subject, int size, long seed) {
        byte[] head = ("From: Sender <sender@example.org>\r\nTo: Receiver <receiver@example.net>\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject + "@example.org>\r\nDate: Thu, 04 Mar 2021 05:06:07 +0000\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[size];
        System.arraycopy(head, 0, message, 0, head.length);
        Random random = new Random(seed);
        for (int i = head.length; i < size; i++) {
            int column = (i - head.length) % 78;
            if (column == 76 || i == size - 2) {
                message[i] = '\r';
            } else if (column == 77 || i == size - 1) {
                message[i] = '\n';
            } else {
                message[i] = (byte) (0x20 + random.nextInt(0xe0)); // no CR, LF or NUL
            }
        }
        message[size - 2] = '\r';
        message[size - 1] = '\n';
        return message;
    }

    static byte[] sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    @Test
    void largeMessagesAreReadInChunksAndCopiedByteForByte() throws Exception {
        int[] sizes = { 10_000, 30 * MB + 17, 200_000, 35 * MB, 600_000, 40 * MB - 3, 3 * MB / 2, 5_000 };
        List<byte[]> digests = new ArrayList<>();
        try (TestImapClient seed = client(sourceServer, "alice")) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] message = bulkyMessage("big" + i, sizes[i], i);
                digests.add(sha256(message));
                seed.append("INBOX", null, null, message);
            }
        }
        List<Long> largestChunkSeen = new ArrayList<>();
        ImapCopyTest.Outcomes outcomes = new ImapCopyTest.Outcomes();
        try (SourceSession from = source.open(plain(sourceServer), credentials("alice"));
                TargetSession to = target.open(plain(targetServer), credentials("alice"));
                SourceFolderReader reader = from.openFolder(ImapCopyTest.folder(from, FolderPath.of("INBOX")));
                TargetFolderWriter writer = to.openFolder(to.createFolder(FolderPath.of("INBOX")))) {
            List<MessageInfo> messages = ImapCopyTest.scan(reader);
            assertEquals(sizes.length, messages.size());
            reader.readMessages(messages, new MessageBodyHandler() {
                @Override
                public void body(MessageInfo message, InputStream rawMessage) throws ConnectorException {
                    if (message.size() > ImapSourceFolderReader.STREAM_THRESHOLD) {
                        InputStream watched = new FilterInputStream(rawMessage) {
                            long largest;

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                // what the source holds in memory for this message at this moment
                                largest = Math.max(largest, in.available());
                                int n = in.read(b, off, len);
                                if (n < 0) {
                                    largestChunkSeen.add(largest);
                                }
                                return n;
                            }
                        };
                        writer.append(message, message.flags(), watched, outcomes);
                        try {
                            assertEquals(-1, watched.read(new byte[1], 0, 1), "the stream ends with the message");
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    } else {
                        writer.append(message, message.flags(), rawMessage, outcomes);
                    }
                }

                @Override
                public void vanished(MessageInfo message) {
                    throw new AssertionError("vanished: " + message);
                }
            });
            writer.flush();
        }
        assertEquals(sizes.length, outcomes.accepted.size(), "accepted: " + outcomes.accepted + " rejected: "
                + outcomes.rejected);
        assertEquals(4, largestChunkSeen.size(), "large messages read to their end");
        for (long held : largestChunkSeen) {
            assertTrue(held > 0 && held <= ImapSourceFolderReader.CHUNK_BYTES, "held at once: " + held);
        }
        try (TestImapClient check = client(targetServer, "alice")) {
            Map<Long, byte[]> copied = check.bodies("INBOX");
            assertEquals(sizes.length, copied.size());
            int i = 0;
            for (byte[] body : copied.values()) {
                assertEquals(sizes[i], body.length, "size of message " + i);
                assertArrayEquals(digests.get(i), sha256(body), "bytes of message " + i);
                i++;
            }
        }
    }

    /** Expunges {@code uid} through another session once {@code after} bytes of the stream have been read. */
    static InputStream expungingAfter(InputStream in, String user, long uid, long after) {
        return new FilterInputStream(in) {
            long read;
            boolean expunged;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!expunged && read >= after) {
                    expunged = true;
                    try (TestImapClient other = client(sourceServer, user)) {
                        other.command("SELECT INBOX");
                        other.command("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)");
                        other.command("EXPUNGE");
                    }
                }
                // stop exactly at the mark, so that the expunge happens before the rest is fetched
                int n = in.read(b, off, read < after ? (int) Math.min(len, after - read) : len);
                if (n > 0) {
                    read += n;
                }
                return n;
            }
        };
    }

    private static void seedSmallLargeSmall(String user) throws IOException {
        try (TestImapClient seed = client(sourceServer, user)) {
            seed.append("INBOX", null, null, bulkyMessage(user + "-before", 20_000, 1));
            seed.append("INBOX", null, null, bulkyMessage(user + "-large", 5 * MB, 2));
            seed.append("INBOX", null, null, bulkyMessage(user + "-after", 30_000, 3));
        }
    }

    @Test
    void messageExpungedWhileBeingReadIsReportedAsVanishedAndTheRestFollows() throws Exception {
        seedSmallLargeSmall("bob");
        try (SourceSession from = source.open(plain(sourceServer), credentials("bob"));
                SourceFolderReader reader = from.openFolder(ImapCopyTest.folder(from, FolderPath.of("INBOX")))) {
            List<MessageInfo> messages = ImapCopyTest.scan(reader);
            long largeUid = messages.get(1).uid();
            List<Long> read = new ArrayList<>();
            List<Long> vanished = new ArrayList<>();
            reader.readMessages(messages, new MessageBodyHandler() {
                @Override
                public void body(MessageInfo message, InputStream rawMessage) throws IOException {
                    InputStream in = message.uid() == largeUid
                            ? expungingAfter(rawMessage, "bob", largeUid, 2L * ImapSourceFolderReader.CHUNK_BYTES)
                            : rawMessage;
                    assertEquals(message.size(), in.readAllBytes().length);
                    read.add(message.uid());
                }

                @Override
                public void vanished(MessageInfo message) {
                    vanished.add(message.uid());
                }
            });
            assertEquals(List.of(messages.get(0).uid(), messages.get(2).uid()), read);
            assertEquals(List.of(largeUid), vanished);
        }
    }

    @Test
    // Left mid-literal, the connection would make closing the session wait for the read timeout (300 s).
    @Timeout(120)
    void messageExpungedWhileBeingAppendedFailsTheAppendAndNothingTruncatedIsStored() throws Exception {
        seedSmallLargeSmall("carol");
        byte[] before = bulkyMessage("carol-before", 20_000, 1);
        try (SourceSession from = source.open(plain(sourceServer), credentials("carol"));
                TargetSession to = target.open(plain(targetServer), credentials("carol"));
                SourceFolderReader reader = from.openFolder(ImapCopyTest.folder(from, FolderPath.of("INBOX")));
                TargetFolderWriter writer = to.openFolder(to.createFolder(FolderPath.of("INBOX")))) {
            List<MessageInfo> messages = ImapCopyTest.scan(reader);
            long largeUid = messages.get(1).uid();
            ImapCopyTest.Outcomes outcomes = new ImapCopyTest.Outcomes();
            ConnectorException failure = assertThrows(ConnectorException.class,
                    () -> reader.readMessages(messages, new MessageBodyHandler() {
                        @Override
                        public void body(MessageInfo message, InputStream rawMessage) throws ConnectorException {
                            InputStream in = message.uid() == largeUid ? expungingAfter(rawMessage, "carol", largeUid,
                                    3L * ImapSourceFolderReader.CHUNK_BYTES) : rawMessage;
                            writer.append(message, message.flags(), in, outcomes);
                        }

                        @Override
                        public void vanished(MessageInfo message) {
                            throw new AssertionError("the handler failed; vanished is not expected: " + message);
                        }
                    }));
            assertEquals(ConnectorException.Kind.CONNECTION, failure.kind(), failure.getMessage());
            assertTrue(outcomes.accepted.isEmpty() || outcomes.accepted.keySet().equals(java.util.Set.of(messages
                    .get(0).uid())), "accepted: " + outcomes.accepted);
            assertThrows(ConnectorException.class, () -> writer.append(messages.get(2), messages.get(2).flags(),
                    new java.io.ByteArrayInputStream(new byte[(int) messages.get(2).size()]), outcomes),
                    "the writer's connection is gone");
        }
        try (TestImapClient check = client(targetServer, "carol")) {
            Map<Long, byte[]> stored = check.bodies("INBOX");
            // the message sent before the large one is complete and may have been stored; nothing else may be
            assertTrue(stored.size() <= 1, "stored " + stored.size() + " messages");
            for (byte[] body : stored.values()) {
                assertArrayEquals(before, body);
            }
        }
    }
}
