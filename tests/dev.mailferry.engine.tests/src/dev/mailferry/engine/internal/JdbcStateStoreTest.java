package dev.mailferry.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.FolderStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded state store's own contract, beyond what the engine tests reach: work that spans calls (scans,
 * recorders) is invisible until committed and gone when rolled back, scans larger than one write stay whole, threads
 * sharing the one connection lose nothing, and a project opened twice in one process shares its database.
 */
class JdbcStateStoreTest {

    @TempDir
    Path dir;

    private static MessageInfo message(long uid) {
        return new MessageInfo(uid, 1000 + uid, Instant.ofEpochSecond(1_600_000_000L + uid), MessageFlags.parse("\\Seen"),
                "<m" + uid + "@example.org>", false);
    }

    private static void scan(SyncStore store, long folderId, long fromUid, long toUid) throws StoreException {
        try (SyncStore.ScanWriter scan = store.scanWriter(folderId)) {
            for (long uid = fromUid; uid <= toUid; uid++) {
                scan.add(message(uid), null);
            }
        }
    }

    @Test
    void recordedOutcomesAreInvisibleUntilCommittedAndGoneWhenRolledBack() throws Exception {
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            FolderRecord folder = store.sync().folder("a@example.org", FolderPath.of("INBOX"), FolderPath.of("INBOX"));
            store.sync().changeUidValidity(folder.id(), 0, 7);
            scan(store.sync(), folder.id(), 1, 3);
            store.sync().journal(folder.id(), 7, List.of(message(1), message(2), message(3)));
            try (SyncStore.Recorder recorder = store.sync().recorder()) {
                recorder.copied(folder.id(), 7, message(1), "9:1", 1);
                assertEquals(3, store.sync().pendingCount(folder.id(), 7), "an uncommitted outcome is not visible");
                assertEquals(3, store.sync().journalEntries(folder.id()).size());
                recorder.commit();
                assertEquals(2, store.sync().pendingCount(folder.id(), 7));
                assertEquals(List.of(2L, 3L), store.sync().journalEntries(folder.id()).stream().map(JournalEntry::uid).toList());

                recorder.copied(folder.id(), 7, message(2), "9:2", 1);
                recorder.rollback();
                recorder.failed(folder.id(), 7, message(3), "refused by the target");
                recorder.commit();
            }
            // 2: its outcome was rolled back; 3: failed, so still to copy in the next pass
            assertEquals(List.of(2L, 3L), store.sync().pendingCopies(folder.id(), 7, 0, 10).stream().map(MessageInfo::uid)
                    .toList(), "the rolled back outcome was not written");
            assertEquals(List.of(2L), store.sync().journalEntries(folder.id()).stream().map(JournalEntry::uid).toList());
            assertTrue(store.sync().isTargetIdRecorded("A@example.org", "9:1"));
            var status = store.sync().folderStatus(folder.id());
            assertEquals(1, status.copied());
            assertEquals(1, status.failed());
            assertEquals(1001, status.bytes());
        }
    }

    @Test
    void aChangesOnlyScanTouchesOnlyTheMessagesAndUidsTheSourceNamed() throws Exception {
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            FolderRecord folder = store.sync().folder("a@example.org", FolderPath.of("INBOX"), FolderPath.of("INBOX"));
            store.sync().changeUidValidity(folder.id(), 0, 7);
            try (SyncStore.ScanWriter scan = store.sync().scanWriter(folder.id())) {
                for (long uid = 1; uid <= 5; uid++) {
                    scan.add(message(uid), null);
                }
                scan.add(message(6), "too large");
            }
            try (SyncStore.Recorder recorder = store.sync().recorder()) {
                for (long uid = 1; uid <= 5; uid++) {
                    recorder.copied(folder.id(), 7, message(uid), "9:" + uid, 1);
                }
                recorder.commit();
            }
            store.sync().recordFolderSkips(folder.id());

            // the next pass: 2's flags changed, 7 and 8 are new (7 flagged \Deleted), 3 and 6 were expunged
            store.sync().clearScan("a@example.org");
            try (SyncStore.ScanWriter scan = store.sync().scanWriter(folder.id())) {
                MessageInfo two = message(2);
                scan.add(new MessageInfo(2, two.size(), two.internalDate(), MessageFlags.parse("\\Flagged"),
                        two.messageId(), false), null);
                scan.add(message(7), "deleted on the source");
                scan.add(message(8), null);
            }
            // the ranges may cover UIDs that never existed; 2 was listed, so it is there whatever the ranges say
            assertEquals(1, store.sync().markVanished(folder.id(), 7, List.of(new long[] {2, 3}, new long[] {6, 6},
                    new long[] {9, 20})));
            store.sync().recordScannedSkips(folder.id());

            assertEquals(List.of(7L), store.sync().skips(folder.id(), 7, 0, 10).stream().map(s -> s.message().uid()).toList(),
                    "6 is gone, 7 is skipped");
            assertEquals(List.of(8L), store.sync().pendingCopies(folder.id(), 7, 0, 10).stream().map(MessageInfo::uid)
                    .toList());
            assertEquals(List.of(new SyncStore.FlagChange(2, "9:2", "\\Flagged")),
                    store.sync().flagChanges(folder.id(), 7, 0, 10));
            var status = store.sync().folderStatus(folder.id());
            assertEquals(4, status.copied(), status.toString());
            assertEquals(1, status.vanished(), status.toString());
            assertEquals(1, status.skipped(), status.toString());
            assertEquals(List.of(), store.totalsDisagreeing());
        }
    }

    @Test
    void scanLargerThanOneWriteStaysWholeAndANewScanReplacesOnlyItsRange() throws Exception {
        int uids = JdbcSyncStore.SCAN_ROWS_PER_WRITE * 2 + 500;
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            FolderRecord folder = store.sync().folder("a@example.org", FolderPath.of("INBOX"), FolderPath.of("INBOX"));
            scan(store.sync(), folder.id(), 1, uids);
            assertEquals(uids, store.sync().pendingCount(folder.id(), 7));
            List<MessageInfo> page = store.sync().pendingCopies(folder.id(), 7, 1000, 1250, 500);
            assertEquals(250, page.size());
            assertEquals(1001, page.get(0).uid());
            assertEquals(message(1001), page.get(0));

            try (SyncStore.ScanWriter part = store.sync().scanWriter(folder.id(), 1, 1000)) {
                part.add(message(5), null);
                part.add(message(6), "larger than the maximum message size");
            }
            assertEquals(uids - 1000 + 1, store.sync().pendingCount(folder.id(), 7));
            try (SyncStore.ScanWriter empty = store.sync().scanWriter(folder.id(), 1001, Long.MAX_VALUE)) {
                // an empty range still replaces that range's previous scan
            }
            assertEquals(1, store.sync().pendingCount(folder.id(), 7));
        }
    }

    @Test
    void threadsSharingTheDatabaseLoseNothing() throws Exception {
        int folders = 4;
        int perFolder = 600;
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            List<FolderRecord> records = new ArrayList<>();
            for (int f = 0; f < folders; f++) {
                FolderRecord r = store.sync().folder("a@example.org", FolderPath.of("F" + f), FolderPath.of("F" + f));
                store.sync().changeUidValidity(r.id(), 0, 7);
                scan(store.sync(), r.id(), 1, perFolder);
                records.add(r);
            }
            ExecutorService pool = Executors.newFixedThreadPool(folders + 1);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (FolderRecord r : records) {
                    work.add(pool.submit(() -> {
                        try (SyncStore.Recorder recorder = store.sync().recorder()) {
                            for (long uid = 1; uid <= perFolder; uid++) {
                                if (uid % 50 == 1) {
                                    List<MessageInfo> page = new ArrayList<>();
                                    for (long u = uid; u < uid + 50; u++) {
                                        page.add(message(u));
                                    }
                                    store.sync().journal(r.id(), 7, page);
                                }
                                recorder.copied(r.id(), 7, message(uid), "7:" + uid, 1);
                                if (recorder.pending() >= 37) {
                                    recorder.commit();
                                }
                            }
                            recorder.commit();
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        long[] totals = store.sync().pendingTotals("a@example.org");
                        assertTrue(totals[0] >= 0 && totals[0] <= folders * perFolder);
                    }
                    return null;
                }));
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            for (FolderRecord r : records) {
                assertEquals(perFolder, store.sync().folderStatus(r.id()).copied(), r.source().toString());
                assertEquals(List.of(), store.sync().journalEntries(r.id()));
            }
            assertEquals(0, store.sync().pendingTotals("a@example.org")[0]);
        }
    }

    @Test
    void aProjectOpenedTwiceInOneProcessSharesItsDatabase() throws Exception {
        JdbcStateStore first = JdbcStateStore.openEmbedded(dir);
        FolderRecord folder;
        try (JdbcStateStore second = JdbcStateStore.openEmbedded(dir.resolve(".").resolve("sub").resolve(".."))) {
            folder = first.sync().folder("a@example.org", FolderPath.of("INBOX"), FolderPath.of("Inbox"));
            assertEquals(List.of(folder), second.sync().folders("a@example.org"));
            first.close();
            assertThrows(StoreException.class, () -> first.sync().folders("a@example.org"), "a closed store refuses work");
            assertEquals(1, second.sync().newCheckpoint(folder.id(), "9:100"), "the other store still works");
        }
        try (JdbcStateStore again = JdbcStateStore.openEmbedded(dir)) {
            FolderRecord reopened = again.sync().folders("a@example.org").get(0);
            assertEquals("9:100", reopened.checkpoint());
            assertEquals(1, reopened.epoch());
        }
    }

    @Test
    void aProjectOfSchemaVersion1OpensAndLooksOnTheTargetOnlyForFoldersTheEngineNeverWroteTo() throws Exception {
        // the database as the previous version left it: one folder copied to, one never written to
        SqliteNativeLibrary.prepare();
        org.sqlite.SQLiteDataSource source = new org.sqlite.SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve(JdbcStateStore.FILE_NAME));
        try (java.sql.Connection c = source.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INT NOT NULL)");
            for (String sql : StateSchema.SCHEMA_V1) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version (version) VALUES (1)");
            s.execute("INSERT INTO folder_state (email, source_path, target_path, uidvalidity, checkpoint, epoch) VALUES"
                    + " ('a@example.org', '" + Codecs.encodePath(FolderPath.of("INBOX")) + "', '"
                    + Codecs.encodePath(FolderPath.of("INBOX")) + "', 7, '3:10', 1)");
            s.execute("INSERT INTO folder_state (email, source_path, target_path, uidvalidity, epoch) VALUES"
                    + " ('a@example.org', '" + Codecs.encodePath(FolderPath.of("Later")) + "', '"
                    + Codecs.encodePath(FolderPath.of("Later")) + "', 0, 0)");
            // the first folder's messages: two copied (one of them found on the target), a skip, a failure, and one
            // of an earlier UID space still on the target
            String columns = "INSERT INTO message_map (folder_id, uidvalidity, uid, status, size, internal_date, flags,"
                    + " epoch, reason) VALUES ";
            s.execute(columns + "(1, 7, 1, 'C', 100, 0, '', 1, NULL), (1, 7, 2, 'C', 200, 0, '', 1, '"
                    + SyncStore.ALREADY_ON_TARGET + "'), (1, 7, 3, 'S', 5000, 0, '', 0, 'too large'),"
                    + " (1, 7, 4, 'F', 10, 0, '', 1, 'refused'), (1, 6, 9, 'V', 50, 0, '', 1, NULL)");
        }
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            assertEquals(List.of(), store.totalsDisagreeing(), "totals built from the older project's messages");
            FolderStatus inbox = store.project().folderStatuses("a@example.org").get(0);
            assertEquals(List.of(2L, 1L, 1L, 300L, 1L), List.of(inbox.copied(), inbox.skipped(), inbox.failed(),
                    inbox.bytes(), inbox.alreadyOnTarget()));
            assertEquals(Map.of(FolderPath.of("INBOX"), 3L), store.sync().recordedOnTarget("a@example.org"));
            assertEquals(java.util.Set.of(store.sync().folders("a@example.org").get(0).id()),
                    store.sync().foldersWithUnfinishedMessages("a@example.org"));
            List<FolderRecord> folders = store.sync().folders("a@example.org");
            assertEquals(List.of(true, false), folders.stream().map(FolderRecord::presenceChecked).toList());
            assertEquals("3:10", folders.get(0).checkpoint());
            assertEquals("1 message was " + SyncStore.ALREADY_ON_TARGET + " and not copied again",
                    store.sync().folderStatus(folders.get(0).id()).note());
            store.sync().renameFolder(folders.get(1).id(), FolderPath.of("Renamed"), FolderPath.of("Renamed"),
                    "renamed on the source from Later");
            assertEquals("renamed on the source from Later", store.sync().folderStatus(folders.get(1).id()).note());
        }
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            assertEquals(2, store.sync().folders("a@example.org").size(), "opened again: migrated once");
        }
    }

    @Test
    void messageStatusesAreStoredAsTheLettersOfEarlierProjectsAndReadBackAsTheEnum() throws Exception {
        try (JdbcStateStore store = JdbcStateStore.openEmbedded(dir)) {
            FolderRecord folder = store.sync().folder("a@example.org", FolderPath.of("INBOX"), FolderPath.of("INBOX"));
            store.sync().changeUidValidity(folder.id(), 0, 7);
            scan(store.sync(), folder.id(), 1, 4);
            try (SyncStore.Recorder recorder = store.sync().recorder()) {
                recorder.copied(folder.id(), 7, message(1), "9:1", 1);
                recorder.failed(folder.id(), 7, message(2), "refused by the target");
                recorder.tooLargeForTarget(folder.id(), 7, message(3), "refused by the target as too large");
                recorder.skipped(folder.id(), 7, message(4), "too large");
                recorder.commit();
            }
            List<String> problems = new ArrayList<>();
            store.project().forEachProblem("a@example.org", (path, uid, messageId, size, date, status, reason) -> problems.add(
                    uid + ":" + status));
            assertEquals(List.of("2:FAILED", "3:TOO_LARGE_FOR_TARGET", "4:SKIPPED"), problems);
            assertEquals(List.of(), store.totalsDisagreeing());
        }
        SqliteNativeLibrary.prepare();
        org.sqlite.SQLiteDataSource source = new org.sqlite.SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve(JdbcStateStore.FILE_NAME));
        List<String> letters = new ArrayList<>();
        try (java.sql.Connection c = source.getConnection(); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT uid, status FROM message_map ORDER BY uid")) {
            while (rs.next()) {
                letters.add(rs.getLong(1) + ":" + rs.getString(2));
            }
        }
        assertEquals(List.of("1:C", "2:F", "3:T", "4:S"), letters);
        assertEquals('V', MessageStatus.VANISHED.letter());
        assertEquals(MessageStatus.VANISHED, MessageStatus.ofCode("V"));
        assertThrows(StoreException.class, () -> MessageStatus.ofCode("X"));
    }
}
