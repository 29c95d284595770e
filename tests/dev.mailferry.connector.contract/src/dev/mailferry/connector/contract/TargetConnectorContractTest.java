package dev.mailferry.connector.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.core.spi.TargetFolderWriter;
import dev.mailferry.core.spi.TargetFolderWriter.AppendedMessage;
import dev.mailferry.core.spi.TargetSession;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link TargetConnector}, {@link TargetSession} and {@link TargetFolderWriter}, sentence by sentence,
 * as assertions. A connector's tests extend it and say where a writable mailbox is and how to read back what was
 * stored there without the connector; every test works in folders of its own.
 */
public abstract class TargetConnectorContractTest {

    /** A message as the target stores it, read back without the connector. */
    public record StoredMessage(byte[] bytes, MessageFlags flags, Instant internalDate) {
    }

    /** The connector under test (from the service registry, where it is registered). */
    protected abstract TargetConnector connector() throws Exception;

    /** The endpoint of a target where {@link #credentials()} may write. */
    protected abstract Endpoint endpoint() throws Exception;

    /** A mailbox the tests may create folders in and write to. */
    protected abstract Credentials credentials() throws Exception;

    /** A login the target refuses. */
    protected abstract Credentials refusedCredentials() throws Exception;

    /** What the mailbox of {@link #credentials()} holds in {@code folder}, read without the connector, in arrival order. */
    protected abstract List<StoredMessage> stored(TargetFolder folder) throws Exception;

    /** True for a target that must delete messages by id (mirror deletion); others may say they cannot. */
    protected boolean deletesMessages() {
        return false;
    }

    private static FolderPath freshFolder(String... below) {
        List<String> parts = new ArrayList<>();
        parts.add("Contract " + UUID.randomUUID().toString().substring(0, 8));
        parts.addAll(List.of(below));
        return FolderPath.of(parts.toArray(String[]::new));
    }

    /** A raw RFC 822 message of about {@code bodyBytes} bytes with a unique Message-ID. */
    static byte[] message(String subject, int bodyBytes) {
        StringBuilder text = new StringBuilder("Message-ID: <" + UUID.randomUUID() + "@contract.example>\r\n"
                + "From: Contract <contract@example.org>\r\nTo: someone@example.org\r\nSubject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        int line = 0;
        while (text.length() < bodyBytes) {
            text.append("Line ").append(line++).append(" of ").append(subject).append(", with some text to fill it.\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The Message-ID header's value, angle brackets included, as sources report it. */
    private static String messageId(byte[] raw) {
        String text = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.UTF_8);
        return text.substring(text.indexOf('<'), text.indexOf('>') + 1);
    }

    private static MessageInfo info(long uid, byte[] raw, Instant date, MessageFlags flags) {
        return new MessageInfo(uid, raw.length, date, flags, messageId(raw), false);
    }

    /** Records every outcome and the thread it came on. */
    private static final class Outcomes implements TargetFolderWriter.AppendListener {
        final Map<Long, String> accepted = new HashMap<>();
        final Map<Long, MessageFlags> dropped = new HashMap<>();
        final Map<Long, String> rejected = new HashMap<>();
        final List<Long> reported = new ArrayList<>();
        final Set<Thread> threads = new HashSet<>();

        @Override
        public void accepted(MessageInfo message, String targetId, MessageFlags droppedFlags) {
            reported.add(message.uid());
            threads.add(Thread.currentThread());
            accepted.put(message.uid(), targetId);
            dropped.put(message.uid(), droppedFlags);
        }

        @Override
        public void rejected(MessageInfo message, String reason) {
            reported.add(message.uid());
            threads.add(Thread.currentThread());
            rejected.put(message.uid(), reason);
        }
    }

    @Test
    public void idAndNameAreThereAndSettingsAreDescribedOnce() throws Exception {
        TargetConnector connector = connector();
        assertTrue(connector.id().matches("[a-z0-9._-]+"), connector.id());
        assertFalse(connector.displayName().isBlank());
        DescribedSettings.assertWellDescribed(connector.settings());
        connector.checkEndpoint(endpoint()); // the endpoint the tests use is valid
    }

    @Test
    public void aRefusedLoginIsAnAuthenticationFailureThatDoesNotShowTheSecret() throws Exception {
        Credentials refused = refusedCredentials();
        ConnectorException e = assertThrows(ConnectorException.class, () -> connector().open(endpoint(), refused));
        assertEquals(ConnectorException.Kind.AUTHENTICATION, e.kind(), e.getMessage());
        assertFalse(e.getMessage().contains(refused.password().reveal()), e.getMessage());
    }

    @Test
    public void createFolderMakesMissingParentsAndIsIdempotent() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            FolderPath leaf = session.storablePath(freshFolder("Projects", "2026"));
            TargetFolder created = session.createFolder(leaf);
            assertEquals(leaf, created.path());
            TargetFolder again = session.createFolder(leaf);
            assertEquals(created.path(), again.path());
            assertEquals(created.id(), again.id());
            List<FolderPath> listed = session.listFolders().stream().map(TargetFolder::path).toList();
            assertTrue(listed.contains(leaf), listed.toString());
            assertTrue(listed.contains(leaf.parent()), "parents are created: " + listed);
        }
    }

    @Test
    public void storablePathIsIdempotentAndWhatCreateFolderCreates() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            String base = freshFolder().name();
            for (String odd : List.of("v1.2", "a/b", "Mr. Smith", "Проекты", "R&D", "50% done", "x~y")) {
                FolderPath storable = session.storablePath(FolderPath.of(base, odd));
                assertEquals(storable, session.storablePath(storable), odd);
                assertEquals(storable, session.createFolder(storable).path(), odd);
            }
        }
    }

    @Test
    public void everyAppendIsReportedOnceOnTheCallingThreadAndStoredExactly() throws Exception {
        Instant base = Instant.parse("2023-04-05T06:07:08Z");
        List<MessageFlags> flagSets = List.of(MessageFlags.NONE, MessageFlags.of(List.of(SystemFlag.SEEN), List.of()),
                MessageFlags.of(List.of(SystemFlag.SEEN, SystemFlag.ANSWERED), List.of()),
                MessageFlags.of(List.of(SystemFlag.FLAGGED), List.of("$Label1")));
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Map<Long, byte[]> sent = new HashMap<>();
            Map<Long, MessageInfo> infos = new HashMap<>();
            Outcomes outcomes = new Outcomes();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 24; uid++) {
                    byte[] raw = message("message " + uid, uid == 7 ? 300_000 : 600 + (int) uid * 97);
                    MessageInfo info = info(uid, raw, base.plusSeconds(uid * 3600), flagSets.get((int) uid % 4));
                    sent.put(uid, raw);
                    infos.put(uid, info);
                    writer.append(info, info.flags(), new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
            }
            assertEquals(24, outcomes.reported.size(), "each exactly once: " + outcomes.reported);
            assertEquals(24, new HashSet<>(outcomes.reported).size());
            assertEquals(Set.of(Thread.currentThread()), outcomes.threads, "reported on the calling thread");
            assertEquals(Map.of(), outcomes.rejected);
            List<StoredMessage> stored = stored(folder);
            assertEquals(24, stored.size());
            Map<String, StoredMessage> byId = new HashMap<>();
            stored.forEach(m -> byId.put(messageId(m.bytes()), m));
            for (long uid = 1; uid <= 24; uid++) {
                StoredMessage kept = byId.get(messageId(sent.get(uid)));
                assertNotNull(kept, "message " + uid + " stored");
                assertArrayEquals(sent.get(uid), kept.bytes(), "bytes of message " + uid);
                assertEquals(infos.get(uid).internalDate(), kept.internalDate(), "internal date of message " + uid);
                TreeSet<String> expected = new TreeSet<>(infos.get(uid).flags().keywords());
                expected.removeAll(outcomes.dropped.get(uid).keywords());
                assertEquals(infos.get(uid).flags().system(), kept.flags().system(), "flags of message " + uid);
                assertEquals(expected, new TreeSet<>(kept.flags().keywords()), "keywords of message " + uid);
            }
        }
    }

    @Test
    public void messageCountsReadBackWhatTheFolderHoldsOrLeaveItOut() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Outcomes outcomes = new Outcomes();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 3; uid++) {
                    byte[] raw = message("counted " + uid, 700);
                    MessageInfo info = info(uid, raw, Instant.parse("2023-04-05T06:07:08Z"), MessageFlags.NONE);
                    writer.append(info, info.flags(), new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
            }
            Map<FolderPath, Long> counts = session.messageCounts(List.of(folder));
            // a target that cannot count its folders leaves them out; one that can says what the folder holds now
            assertTrue(counts.isEmpty() || counts.equals(Map.of(folder.path(), 3L)), counts.toString());

            // the engine's other lanes write into the same folder over sessions of their own, and the read-back after
            // the pass counts on the first session, which last wrote into that folder: their messages count too
            try (TargetSession lane = connector().open(endpoint(), credentials());
                    TargetFolderWriter writer = lane.openFolder(folder)) {
                for (long uid = 4; uid <= 5; uid++) {
                    byte[] raw = message("counted from another session " + uid, 800);
                    MessageInfo info = info(uid, raw, Instant.parse("2023-04-05T06:07:08Z"), MessageFlags.NONE);
                    writer.append(info, info.flags(), new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
            }
            counts = session.messageCounts(List.of(folder));
            assertTrue(counts.isEmpty() || counts.equals(Map.of(folder.path(), 5L)), counts.toString());
        }
    }

    @Test
    public void appendedSinceFindsExactlyTheMessagesStoredAfterTheCheckpoint() throws Exception {
        Instant date = Instant.parse("2022-01-02T03:04:05Z");
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Outcomes outcomes = new Outcomes();
            String checkpoint;
            List<MessageFingerprint> after = new ArrayList<>();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 3; uid++) {
                    byte[] raw = message("before " + uid, 800);
                    writer.append(info(uid, raw, date, MessageFlags.NONE), MessageFlags.NONE,
                            new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
                checkpoint = writer.checkpoint();
                assertNotNull(checkpoint);
                assertEquals(List.of(), writer.appendedSince(checkpoint), "nothing after a fresh checkpoint");
                for (long uid = 4; uid <= 7; uid++) {
                    byte[] raw = message("after " + uid, 900);
                    MessageInfo info = info(uid, raw, date.plusSeconds(uid), MessageFlags.NONE);
                    after.add(info.fingerprint());
                    writer.append(info, MessageFlags.NONE, new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
                List<AppendedMessage> found = writer.appendedSince(checkpoint);
                assertEquals(new HashSet<>(after), new HashSet<>(found.stream().map(AppendedMessage::fingerprint).toList()));
                Set<String> reportedIds = new HashSet<>();
                for (long uid = 4; uid <= 7; uid++) {
                    reportedIds.add(outcomes.accepted.get(uid));
                }
                if (!reportedIds.contains(null)) {
                    assertEquals(reportedIds, new HashSet<>(found.stream().map(AppendedMessage::targetId).toList()),
                            "the ids found are those reported when the messages were accepted");
                }
            }
        }
    }

    @Test
    public void updateFlagsReplacesTheFlagsOfACopiedMessage() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Outcomes outcomes = new Outcomes();
            byte[] raw = message("flags", 700);
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                writer.append(info(1, raw, Instant.parse("2021-06-07T08:09:10Z"),
                        MessageFlags.of(List.of(SystemFlag.SEEN), List.of())), MessageFlags.of(List.of(SystemFlag.SEEN),
                                List.of()), new ByteArrayInputStream(raw), outcomes);
                writer.flush();
                String targetId = outcomes.accepted.get(1L);
                if (targetId == null) {
                    return; // a target that gives no ids cannot be asked to change flags by id
                }
                writer.updateFlags(targetId, MessageFlags.of(List.of(SystemFlag.FLAGGED, SystemFlag.ANSWERED), List.of()));
            }
            List<StoredMessage> stored = stored(folder);
            assertEquals(1, stored.size());
            assertEquals(Set.of(SystemFlag.FLAGGED, SystemFlag.ANSWERED), stored.get(0).flags().system());
        }
    }

    @Test
    public void updateFlagsOfSeveralMessagesGivesEachItsOwnFlagsAndLeavesTheOthersAlone() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Outcomes outcomes = new Outcomes();
            Map<String, Long> uidByDate = new HashMap<>();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 6; uid++) {
                    byte[] raw = message("flags " + uid, 500);
                    Instant date = Instant.parse("2022-03-04T05:06:07Z").plusSeconds(uid);
                    uidByDate.put(date.toString(), uid);
                    writer.append(info(uid, raw, date, MessageFlags.NONE), MessageFlags.NONE, new ByteArrayInputStream(raw),
                            outcomes);
                }
                writer.flush();
                if (outcomes.accepted.containsValue(null) || outcomes.accepted.size() < 6) {
                    return; // a target that gives no ids cannot be asked to change flags by id
                }
                // two flag sets over scattered messages (one set twice, in no order), message 6 left alone
                MessageFlags flagged = MessageFlags.of(List.of(SystemFlag.FLAGGED), List.of());
                MessageFlags readAndAnswered = MessageFlags.of(List.of(SystemFlag.SEEN, SystemFlag.ANSWERED), List.of());
                Map<String, MessageFlags> updates = new LinkedHashMap<>();
                updates.put(outcomes.accepted.get(4L), flagged);
                updates.put(outcomes.accepted.get(1L), readAndAnswered);
                updates.put(outcomes.accepted.get(2L), flagged);
                updates.put(outcomes.accepted.get(5L), readAndAnswered);
                updates.put(outcomes.accepted.get(3L), MessageFlags.NONE);
                writer.updateFlags(updates);
            }
            Map<Long, Set<SystemFlag>> flagsByUid = new TreeMap<>();
            for (StoredMessage m : stored(folder)) {
                flagsByUid.put(uidByDate.get(m.internalDate().toString()), m.flags().system());
            }
            assertEquals(Map.of(1L, Set.of(SystemFlag.SEEN, SystemFlag.ANSWERED), 2L, Set.of(SystemFlag.FLAGGED),
                    3L, Set.of(), 4L, Set.of(SystemFlag.FLAGGED), 5L, Set.of(SystemFlag.SEEN, SystemFlag.ANSWERED),
                    6L, Set.of()), flagsByUid);
        }
    }

    @Test
    public void deleteMessagesDeletesExactlyThoseIdsAndARepeatDoesNothingMore() throws Exception {
        try (TargetSession session = connector().open(endpoint(), credentials())) {
            TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
            Outcomes outcomes = new Outcomes();
            List<byte[]> raws = new ArrayList<>();
            try (TargetFolderWriter writer = session.openFolder(folder)) {
                for (long uid = 1; uid <= 3; uid++) {
                    byte[] raw = message("delete " + uid, 600);
                    raws.add(raw);
                    writer.append(info(uid, raw, Instant.parse("2021-02-03T04:05:06Z").plusSeconds(uid), MessageFlags.NONE),
                            MessageFlags.NONE, new ByteArrayInputStream(raw), outcomes);
                }
                writer.flush();
                if (outcomes.accepted.get(1L) == null || outcomes.accepted.get(3L) == null) {
                    return; // a target that gives no ids cannot be asked to delete by id
                }
                List<String> ids = List.of(outcomes.accepted.get(1L), outcomes.accepted.get(3L));
                List<String> deleted;
                try {
                    deleted = writer.deleteMessages(ids);
                } catch (ConnectorException cannot) {
                    if (deletesMessages()) {
                        throw cannot;
                    }
                    assertEquals(ConnectorException.Kind.CONFIGURATION, cannot.kind());
                    assertFalse(cannot.getMessage() == null || cannot.getMessage().isBlank(), "it says why");
                    assertEquals(3, stored(folder).size(), "a target that cannot delete deletes nothing");
                    return;
                }
                assertEquals(new HashSet<>(ids), new HashSet<>(deleted));
                assertEquals(List.of(outcomes.accepted.get(1L)), writer.deleteMessages(List.of(outcomes.accepted.get(1L))),
                        "deleting a message already gone is a harmless repeat");
            }
            List<StoredMessage> stored = stored(folder);
            assertEquals(1, stored.size(), "only the two ids are deleted");
            if (stored.get(0).bytes() != null) {
                assertArrayEquals(raws.get(1), stored.get(0).bytes(), "the second message is kept");
            }
            assertEquals(Instant.parse("2021-02-03T04:05:06Z").plusSeconds(2), stored.get(0).internalDate(),
                    "the second message is kept");
        }
    }

    @Test
    public void closeNeverThrowsEvenTwice() throws Exception {
        TargetSession session = connector().open(endpoint(), credentials());
        TargetFolder folder = session.createFolder(session.storablePath(freshFolder()));
        TargetFolderWriter writer = session.openFolder(folder);
        writer.close();
        writer.close();
        session.close();
        session.close();
    }
}
