package dev.mailferry.connector.imap.internal;

import static dev.mailferry.connector.imap.internal.ImapTestSupport.client;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.credentials;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.message;
import static dev.mailferry.connector.imap.internal.ImapTestSupport.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.spi.FolderState;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.SourceFolderReader;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.demo.DovecotServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SourceFolderReader#changesSince} against a real Dovecot (CONDSTORE, QRESYNC, ESEARCH). */
class ImapChangesSinceTest extends ImapConnectorTestBase {

    static DovecotServer dovecot;

    @BeforeAll
    static void startServer() throws IOException {
        dovecot = startDovecot("changes", '/', false, 0);
    }

    /** What one call delivered. */
    static final class Changes implements SourceFolderReader.ChangeConsumer {
        final List<MessageInfo> changed = new ArrayList<>();
        final List<long[]> vanished = new ArrayList<>();
        long answer;

        @Override
        public void accept(MessageInfo message) {
            changed.add(message);
        }

        @Override
        public void vanished(long fromUid, long toUid) {
            assertTrue(fromUid <= toUid, fromUid + ":" + toUid);
            vanished.add(new long[] {fromUid, toUid});
        }

        boolean isVanished(long uid) {
            return vanished.stream().anyMatch(r -> r[0] <= uid && uid <= r[1]);
        }

        List<Long> changedUids() {
            return changed.stream().map(MessageInfo::uid).toList();
        }
    }

    private static Changes changesSince(SourceSession session, SourceFolder folder, long uidValidity, long modSeq)
            throws Exception {
        Changes changes = new Changes();
        try (SourceFolderReader reader = session.openFolder(folder)) {
            changes.answer = reader.changesSince(uidValidity, modSeq, changes);
        }
        return changes;
    }

    private static SourceFolder folder(SourceSession session, String name) throws Exception {
        return ImapCopyTest.folder(session, FolderPath.of(name));
    }

    private static void seed(String user, String mailbox, int count) throws IOException {
        try (TestImapClient seed = client(dovecot, user)) {
            seed.command("CREATE " + TestImapClient.quote(mailbox));
            for (int i = 1; i <= count; i++) {
                seed.append(mailbox, null, null, message(mailbox + i, "Message-ID: <" + mailbox + i + "@example.org>",
                        200));
            }
        }
    }

    @Test
    void reportsChangedFlagsNewMessagesAndExpungedUids() throws Exception {
        seed("alice", "Deltas", 6);
        try (SourceSession session = source.open(plain(dovecot), credentials("alice"))) {
            SourceFolder folder = folder(session, "Deltas");
            FolderState before = session.folderState(folder);
            assertNotNull(before, "Dovecot offers CONDSTORE");
            try (TestImapClient other = client(dovecot, "alice")) {
                other.command("SELECT Deltas");
                other.command("UID STORE 2 +FLAGS.SILENT (\\Flagged)");
                other.command("UID STORE 3,5 +FLAGS.SILENT (\\Deleted)");
                other.command("UID EXPUNGE 3,5");
                other.append("Deltas", "\\Seen", null, message("Deltas7", "Message-ID: <Deltas7@example.org>", 200));
            }
            FolderState after = session.folderState(folder);

            Changes changes = changesSince(session, folder, before.uidValidity(), before.modSeq());

            assertEquals(List.of(2L, 7L), changes.changedUids());
            MessageInfo flagged = changes.changed.get(0);
            assertTrue(flagged.flags().has(SystemFlag.FLAGGED), flagged.toString());
            assertEquals("<Deltas2@example.org>", flagged.messageId());
            MessageInfo added = changes.changed.get(1);
            assertTrue(added.flags().has(SystemFlag.SEEN), added.toString());
            assertTrue(added.size() > 200, added.toString());
            for (long uid = 1; uid <= 7; uid++) {
                assertEquals(uid == 3 || uid == 5, changes.isVanished(uid), "UID " + uid);
            }
            assertFalse(changes.isVanished(8), "UIDs above UIDNEXT are not the source's to judge");
            assertEquals(after.modSeq(), changes.answer);
            // the same metadata as a full scan gives
            try (SourceFolderReader reader = session.openFolder(folder)) {
                Map<Long, MessageInfo> scanned = new java.util.HashMap<>();
                reader.scanMessages(1, Long.MAX_VALUE, m -> scanned.put(m.uid(), m));
                for (MessageInfo m : changes.changed) {
                    assertEquals(scanned.get(m.uid()), m);
                }
            }

            Changes none = changesSince(session, folder, after.uidValidity(), after.modSeq());
            assertEquals(List.of(), none.changedUids());
            for (long uid : new long[] {1, 2, 4, 6, 7}) {
                assertFalse(none.isVanished(uid), "UID " + uid + " is still there");
            }
            assertEquals(after.modSeq(), none.answer);
        }
    }

    @Test
    void cannotTellAcrossARenumberingOrAModSeqReset() throws Exception {
        seed("bob", "Renumbered", 2);
        FolderState before;
        try (SourceSession session = source.open(plain(dovecot), credentials("bob"))) {
            before = session.folderState(folder(session, "Renumbered"));
            // a modification sequence beyond the server's: it reset its counter since, so nothing can be trusted
            Changes reset = changesSince(session, folder(session, "Renumbered"), before.uidValidity(),
                    before.modSeq() + 1000);
            assertEquals(SourceFolderReader.CHANGES_UNKNOWN, reset.answer);
            assertTrue(reset.changed.isEmpty() && reset.vanished.isEmpty());
            Changes never = changesSince(session, folder(session, "Renumbered"), before.uidValidity(), 0);
            assertEquals(SourceFolderReader.CHANGES_UNKNOWN, never.answer);

            // a folder rebuilt under the old name; Dovecot takes a new folder's UIDVALIDITY from the clock's seconds
            Thread.sleep(1100);
            seed("bob", "Rebuilt", 3);
            try (TestImapClient other = client(dovecot, "bob")) {
                other.command("DELETE Renumbered");
                other.command("RENAME Rebuilt Renumbered");
            }
        }
        // a new session, as each pass opens: within one, Dovecot's STATUS may still answer from before the rebuild
        try (SourceSession session = source.open(plain(dovecot), credentials("bob"))) {
            SourceFolder rebuilt = folder(session, "Renumbered");
            FolderState now = session.folderState(rebuilt);
            assertNotEquals(before.uidValidity(), now.uidValidity());
            Changes renumbered = changesSince(session, rebuilt, before.uidValidity(), before.modSeq());
            assertEquals(SourceFolderReader.CHANGES_UNKNOWN, renumbered.answer);
            assertTrue(renumbered.changed.isEmpty() && renumbered.vanished.isEmpty());
            // under its new UIDVALIDITY it answers again
            assertEquals(now.modSeq(), changesSince(session, rebuilt, now.uidValidity(), now.modSeq()).answer);
        }
    }

    @Test
    void readsUidSetsOfSearchAndEsearchAnswers() {
        UidRanges esearch = new UidRanges();
        esearch.addSearchResponse("* ESEARCH (TAG \"A7\") UID ALL 3:4,9,12:10 MODSEQ 17", true);
        assertEquals("[3, 4] [9, 12]", describe(esearch.ranges()));
        UidRanges plainSearch = new UidRanges();
        plainSearch.addSearchResponse("* SEARCH 9 3 4 5 (MODSEQ 17)", false);
        assertEquals("[3, 5] [9, 9]", describe(plainSearch.ranges()));
        UidRanges nothing = new UidRanges();
        nothing.addSearchResponse("* ESEARCH (TAG \"A8\") UID", true);
        nothing.addSearchResponse("* SEARCH", false);
        assertEquals("", describe(nothing.ranges()));
        assertEquals(List.of(3L, 4L, 5L, 9L),
                java.util.Arrays.stream(UidRanges.expand(plainSearch.ranges())).boxed().toList());
    }

    private static String describe(List<long[]> ranges) {
        return String.join(" ", ranges.stream().map(java.util.Arrays::toString).toList());
    }
}
