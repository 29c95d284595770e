package dev.mailferry.engine.internal;

import static dev.mailferry.engine.internal.MessageStatus.COPIED;
import static dev.mailferry.engine.internal.MessageStatus.FAILED;
import static dev.mailferry.engine.internal.MessageStatus.SKIPPED;
import static dev.mailferry.engine.internal.MessageStatus.TOO_LARGE_FOR_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.VANISHED;
import static dev.mailferry.engine.internal.MessageStatus.DELETED_ON_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.sqlList;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.FolderStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pass's part of the state database ({@link SyncStore}): each folder's record and source state, the scan and the
 * plan drawn from it, the append journal, and the message map the recorder writes outcomes into.
 */
final class JdbcSyncStore extends JdbcTables implements SyncStore {

    JdbcSyncStore(JdbcStateStore database) {
        super(database);
    }

    // ---------------------------------------------------------------- folders

    @Override
    public FolderRecord folder(String email, FolderPath source, FolderPath target) throws StoreException {
        try (Connection c = connect()) {
            FolderRecord existing = readFolder(c, key(email), Codecs.encodePath(source));
            if (existing == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO folder_state (email, source_path, target_path,"
                        + " uidvalidity, epoch) VALUES (?, ?, ?, 0, 0)")) {
                    ps.setString(1, key(email));
                    ps.setString(2, Codecs.encodePath(source));
                    ps.setString(3, Codecs.encodePath(target));
                    ps.executeUpdate();
                }
                existing = readFolder(c, key(email), Codecs.encodePath(source));
            } else if (!existing.target().equals(target)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE folder_state SET target_path = ?, presence_checked = 0 WHERE id = ?")) {
                    ps.setString(1, Codecs.encodePath(target));
                    ps.setLong(2, existing.id());
                    ps.executeUpdate();
                }
                existing = readFolder(c, key(email), Codecs.encodePath(source));
            }
            c.commit();
            return existing;
        } catch (SQLException e) {
            throw fail("record folder " + source + " of " + email, e);
        }
    }

    private static final String FOLDER_COLUMNS = "id, email, source_path, target_path, uidvalidity, checkpoint, epoch,"
            + " presence_checked";

    private static FolderRecord readFolder(Connection c, String email, String sourcePath) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + FOLDER_COLUMNS
                + " FROM folder_state WHERE email = ? AND source_path = ?")) {
            ps.setString(1, email);
            ps.setString(2, sourcePath);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? folderRecord(rs) : null;
            }
        }
    }

    private static FolderRecord folderRecord(ResultSet rs) throws SQLException {
        return new FolderRecord(rs.getLong(1), rs.getString(2), Codecs.decodePath(rs.getString(3)),
                Codecs.decodePath(rs.getString(4)), rs.getLong(5), rs.getString(6), rs.getInt(7), rs.getInt(8) != 0);
    }

    @Override
    public List<FolderRecord> folders(String email) throws StoreException {
        try (Connection c = connect()) {
            List<FolderRecord> list = foldersOf(c, key(email));
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read folders of " + email, e);
        }
    }

    private static List<FolderRecord> foldersOf(Connection c, String email) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + FOLDER_COLUMNS
                + " FROM folder_state WHERE email = ? ORDER BY id")) {
            ps.setString(1, email);
            List<FolderRecord> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(folderRecord(rs));
                }
            }
            return list;
        }
    }

    @Override
    public void setFolderNote(long folderId, String note) throws StoreException {
        update("record a folder note", "UPDATE folder_state SET note = ? WHERE id = ?",
                note == null ? null : truncate(note, 4000), folderId);
    }

    @Override
    public String sourceState(long folderId) throws StoreException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT source_state FROM folder_state WHERE id = ?")) {
            ps.setLong(1, folderId);
            try (ResultSet rs = ps.executeQuery()) {
                String state = rs.next() ? rs.getString(1) : null;
                c.commit();
                return state;
            }
        } catch (SQLException e) {
            throw fail("read the source state of a folder", e);
        }
    }

    @Override
    public void setSourceState(long folderId, String state) throws StoreException {
        update("record the source state of a folder", "UPDATE folder_state SET source_state = ? WHERE id = ?", state,
                folderId);
    }

    @Override
    public java.util.Set<Long> foldersWithUnfinishedMessages(String email) throws StoreException {
        String sql = "SELECT f.id FROM folder_state f WHERE f.email = ? AND (EXISTS (SELECT 1 FROM message_totals t"
                + " WHERE t.folder_id = f.id AND t.uidvalidity = f.uidvalidity AND t.status IN " + TRIED_AGAIN
                + " AND t.messages > 0)"
                + " OR EXISTS (SELECT 1 FROM journal j WHERE j.folder_id = f.id))";
        return new java.util.HashSet<>(query("find the folders with messages to try again", sql, rs -> rs.getLong(1),
                key(email)));
    }

    @Override
    public Map<FolderPath, Long> recordedOnTarget(String email) throws StoreException {
        String sql = "SELECT f.target_path, SUM(t.messages) FROM folder_state f JOIN message_totals t"
                + " ON t.folder_id = f.id WHERE f.email = ? AND t.status IN " + ON_TARGET + " GROUP BY f.target_path";
        Map<FolderPath, Long> counts = new HashMap<>();
        for (Map.Entry<FolderPath, Long> count : query("count the messages recorded on the target for " + email, sql,
                rs -> Map.entry(Codecs.decodePath(rs.getString(1)), rs.getLong(2)), key(email))) {
            counts.put(count.getKey(), count.getValue());
        }
        return counts;
    }

    @Override
    public void recordReadBack(String email, FolderPath target, long onTarget, long recorded) throws StoreException {
        update("record what the target holds", "UPDATE folder_state SET on_target = ?, recorded_on_target = ?"
                + " WHERE email = ? AND target_path = ?", onTarget, recorded, key(email), Codecs.encodePath(target));
    }

    @Override
    public void renameFolder(long folderId, FolderPath newSource, FolderPath newTarget, String renamedFrom)
            throws StoreException {
        update("record a renamed folder", "UPDATE folder_state SET source_path = ?, target_path = ?, renamed_from = ?"
                + " WHERE id = ?", Codecs.encodePath(newSource), Codecs.encodePath(newTarget),
                truncate(renamedFrom, 4000), folderId);
    }

    @Override
    public void retargetFolders(String email, FolderPath oldTarget, FolderPath newTarget) throws StoreException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("UPDATE folder_state SET target_path = ? WHERE id = ?")) {
            for (FolderRecord r : foldersOf(c, key(email))) {
                if (r.target().startsWith(oldTarget)) {
                    ps.setString(1, Codecs.encodePath(r.target().rebase(oldTarget, newTarget)));
                    ps.setLong(2, r.id());
                    ps.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("record a renamed target folder", e);
        }
    }

    /** The rows of a query selecting uid, size, internal_date, message_id, flags, in that order. */
    private static List<MessageInfo> messages(PreparedStatement ps) throws SQLException {
        List<MessageInfo> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(new MessageInfo(rs.getLong(1), rs.getLong(2), Instant.ofEpochSecond(rs.getLong(3)),
                        MessageFlags.parse(rs.getString(5)), rs.getString(4), false));
            }
        }
        return list;
    }

    @Override
    public List<MessageInfo> copiedMessages(long folderId, long uidValidity) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT uid, size, internal_date,"
                + " message_id, flags FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND status = " + COPIED.sql()
                + " ORDER BY uid")) {
            ps.setLong(1, folderId);
            ps.setLong(2, uidValidity);
            List<MessageInfo> list = messages(ps);
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read copied messages", e);
        }
    }

    @Override
    public java.util.Set<String> recordedTargetIds(String email, FolderPath target) throws StoreException {
        return new java.util.HashSet<>(query("read the target ids of copied messages", "SELECT m.target_id"
                + " FROM message_map m JOIN folder_state f ON f.id = m.folder_id WHERE f.email = ? AND f.target_path = ?"
                + " AND m.status IN " + ON_TARGET + " AND m.target_id IS NOT NULL", rs -> rs.getString(1), key(email),
                Codecs.encodePath(target)));
    }

    @Override
    public void markPresenceChecked(Collection<Long> folderIds) throws StoreException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("UPDATE folder_state SET presence_checked = 1 WHERE id = ?")) {
            for (long id : folderIds) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("record the folders looked for on the target", e);
        }
    }

    @Override
    public int newCheckpoint(long folderId, String checkpoint) throws StoreException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE folder_state SET checkpoint = ?, epoch = epoch + 1 WHERE id = ?");
                PreparedStatement q = c.prepareStatement("SELECT epoch FROM folder_state WHERE id = ?")) {
            ps.setString(1, checkpoint);
            ps.setLong(2, folderId);
            ps.executeUpdate();
            q.setLong(1, folderId);
            int epoch;
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                epoch = rs.getInt(1);
            }
            c.commit();
            makeDurable();
            return epoch;
        } catch (SQLException e) {
            throw fail("record a target checkpoint", e);
        }
    }

    @Override
    public long changeUidValidity(long folderId, long oldUidValidity, long newUidValidity) throws StoreException {
        // Pairs the n-th scanned message of a fingerprint with the n-th recorded one (both in UID order): multiplicity
        // is kept, so two identical messages on the source stay two on the target, never more.
        String numbered = " SELECT uid, size, internal_date, COALESCE(message_id, '') mid,"
                + " ROW_NUMBER() OVER (PARTITION BY size, internal_date, COALESCE(message_id, '') ORDER BY uid) rn";
        String pairs = "SELECT s.uid new_uid, m.uid old_uid FROM"
                + " (" + numbered + " FROM scan WHERE folder_id = ?) s JOIN"
                + " (" + numbered + " FROM message_map WHERE folder_id = ? AND uidvalidity = ?"
                + " AND status = " + COPIED.sql() + ") m"
                + " ON s.size = m.size AND s.internal_date = m.internal_date AND s.mid = m.mid AND s.rn = m.rn";
        try (Connection c = connect()) {
            if (oldUidValidity == 0) {
                // first scan of the folder: nothing recorded yet, nothing to pair
                exec(c, "UPDATE folder_state SET uidvalidity = ? WHERE id = ?", newUidValidity, folderId);
                c.commit();
                return 0;
            }
            long paired = 0;
            try (PreparedStatement ps = c.prepareStatement(pairs);
                    PreparedStatement ins = c.prepareStatement("INSERT INTO message_map (folder_id, uidvalidity, uid, status,"
                            + " target_id, size, internal_date, message_id, flags, epoch, reason) SELECT folder_id, ?, ?, status,"
                            + " target_id, size, internal_date, message_id, flags, epoch, reason FROM message_map"
                            + " WHERE folder_id = ? AND uidvalidity = ? AND uid = ?");
                    PreparedStatement del = c.prepareStatement(
                            "DELETE FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND uid = ?")) {
                ps.setLong(1, folderId);
                ps.setLong(2, folderId);
                ps.setLong(3, oldUidValidity);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ins.setLong(1, newUidValidity);
                        ins.setLong(2, rs.getLong(1));
                        ins.setLong(3, folderId);
                        ins.setLong(4, oldUidValidity);
                        ins.setLong(5, rs.getLong(2));
                        ins.executeUpdate();
                        del.setLong(1, folderId);
                        del.setLong(2, oldUidValidity);
                        del.setLong(3, rs.getLong(2));
                        del.executeUpdate();
                        paired++;
                    }
                }
            }
            // what was recorded under the old UID space and found no partner is gone from the source: it stays under
            // the old UIDVALIDITY as vanished (its target id still counts in crash recovery); skips and failures of
            // the old space are decided afresh
            exec(c, "UPDATE message_map SET status = " + VANISHED.sql() + " WHERE folder_id = ? AND uidvalidity = ?"
                    + " AND status = " + COPIED.sql(),
                    folderId, oldUidValidity);
            exec(c, "DELETE FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND status IN " + NOT_COPIED, folderId,
                    oldUidValidity);
            try (PreparedStatement ps = c.prepareStatement("UPDATE folder_state SET uidvalidity = ? WHERE id = ?")) {
                ps.setLong(1, newUidValidity);
                ps.setLong(2, folderId);
                ps.executeUpdate();
            }
            c.commit();
            return paired;
        } catch (SQLException e) {
            throw fail("re-pair messages after a UIDVALIDITY change", e);
        }
    }

    // ---------------------------------------------------------------- scan and plan

    @Override
    public ScanWriter scanWriter(long folderId, long fromUid, long toUid) {
        return new ScanWriter() {
            /** Scanned rows not yet written: at most {@link #SCAN_ROWS_PER_WRITE}. */
            private final List<Object[]> rows = new ArrayList<>();
            private boolean previousScanDeleted;

            @Override
            public void add(MessageInfo m, String skipReason) throws StoreException {
                rows.add(new Object[] {m, skipReason});
                if (rows.size() >= SCAN_ROWS_PER_WRITE) {
                    commit();
                }
            }

            @Override
            public void commit() throws StoreException {
                if (previousScanDeleted && rows.isEmpty()) {
                    return;
                }
                try (Connection c = connect()) {
                    if (!previousScanDeleted) {
                        exec(c, "DELETE FROM scan WHERE folder_id = ? AND uid BETWEEN ? AND ?", folderId, fromUid, toUid);
                    }
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO scan (folder_id, uid, size,"
                            + " internal_date, message_id, flags, deleted, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                        for (Object[] row : rows) {
                            MessageInfo m = (MessageInfo) row[0];
                            ins.setLong(1, folderId);
                            ins.setLong(2, m.uid());
                            bindMessage(ins, 3, m);
                            ins.setBoolean(7, m.deleted());
                            ins.setString(8, (String) row[1]);
                            ins.executeUpdate();
                        }
                    }
                    c.commit();
                    previousScanDeleted = true;
                    rows.clear();
                } catch (SQLException e) {
                    throw fail("record scanned messages", e);
                }
            }

            @Override
            public void close() throws StoreException {
                commit();
            }
        };
    }

    /** Scanned rows gathered before they are written (a bound on memory, whatever the folder's size). */
    static final int SCAN_ROWS_PER_WRITE = 1000;

    private static final String MAILBOX_FOLDERS = "SELECT id FROM folder_state WHERE email = ?";

    @Override
    public void clearScan(String email) throws StoreException {
        update("clear the previous scan of " + email, "DELETE FROM scan WHERE folder_id IN (" + MAILBOX_FOLDERS + ")",
                key(email));
    }

    @Override
    public void planItemLimit(String email, long maxItems) throws StoreException {
        String mailbox = key(email);
        String inFolders = "folder_id IN (" + MAILBOX_FOLDERS + ")";
        try (Connection c = connect()) {
            if (count(c, "SELECT COUNT(*) FROM scan WHERE " + inFolders + " AND skip_reason IS NULL", mailbox) > maxItems) {
                // newest first: rank every eligible message of the mailbox by internal date, copied ones included, and
                // skip the uncopied ones beyond the limit (copied ones stay on the target)
                exec(c, "UPDATE scan SET skip_reason = ? WHERE (folder_id, uid) IN (SELECT folder_id, uid FROM"
                        + " (SELECT folder_id, uid, ROW_NUMBER() OVER (ORDER BY internal_date DESC, folder_id, uid DESC) rn"
                        + " FROM scan WHERE " + inFolders + " AND skip_reason IS NULL) r WHERE rn > ?)",
                        "beyond the maximum of " + maxItems + " items per mailbox (the newest are copied)", mailbox,
                        maxItems);
            }
            recordSkips(c, inFolders, mailbox);
            c.commit();
        } catch (SQLException e) {
            throw fail("plan the copy of " + email, e);
        }
    }

    @Override
    public void recordFolderSkips(long folderId) throws StoreException {
        try (Connection c = connect()) {
            recordSkips(c, "folder_id IN (?)", folderId);
            c.commit();
        } catch (SQLException e) {
            throw fail("record the skips of a folder", e);
        }
    }

    @Override
    public void retainSkips(String email, Collection<Long> folderIds) throws StoreException {
        List<Object> args = new ArrayList<>();
        args.add(key(email));
        args.addAll(folderIds);
        String kept = folderIds.isEmpty() ? "" : " AND folder_id NOT IN (" + "?, ".repeat(folderIds.size() - 1) + "?)";
        update("forget the skips of folders not copied any more", "DELETE FROM message_map WHERE status = " + SKIPPED.sql()
                + " AND folder_id IN (" + MAILBOX_FOLDERS + ")" + kept, args.toArray());
    }

    /** The skips of this pass replace those of the previous one; already copied messages are never "skipped". */
    private static void recordSkips(Connection c, String inFolders, Object arg) throws SQLException {
        exec(c, "DELETE FROM message_map WHERE status = " + SKIPPED.sql() + " AND " + inFolders, arg);
        insertSkips(c, inFolders, arg);
    }

    /** Skip records for the scanned messages the scan gave a reason to skip; already copied ones are never skipped. */
    private static void insertSkips(Connection c, String inFolders, Object arg) throws SQLException {
        exec(c, "INSERT INTO message_map (folder_id, uidvalidity, uid, status, target_id, size, internal_date,"
                + " message_id, flags, epoch, reason) SELECT s.folder_id, f.uidvalidity, s.uid, " + SKIPPED.sql() + ","
                + " NULL, s.size,"
                + " s.internal_date, s.message_id, s.flags, 0, s.skip_reason FROM scan s JOIN folder_state f"
                + " ON f.id = s.folder_id WHERE s." + inFolders + " AND s.skip_reason IS NOT NULL AND NOT EXISTS"
                + " (SELECT 1 FROM message_map m WHERE m.folder_id = s.folder_id AND m.uidvalidity = f.uidvalidity"
                + " AND m.uid = s.uid AND m.status IN " + sqlList(COPIED, FAILED, TOO_LARGE_FOR_TARGET) + ")", arg);
    }

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public List<MessageInfo> pendingCopies(long folderId, long uidValidity, long afterUid, long toUid, int limit)
            throws StoreException {
        String sql = "SELECT s.uid, s.size, s.internal_date, s.message_id, s.flags FROM scan s WHERE s.folder_id = ?"
                + " AND s.uid > ? AND s.uid <= ? AND s.skip_reason IS NULL AND NOT EXISTS (SELECT 1 FROM message_map m"
                + " WHERE m.folder_id = s.folder_id AND m.uidvalidity = ? AND m.uid = s.uid AND m.status = " + COPIED.sql() + ")"
                + " ORDER BY s.uid LIMIT ?";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, folderId);
            ps.setLong(2, afterUid);
            ps.setLong(3, toUid);
            ps.setLong(4, uidValidity);
            ps.setInt(5, limit);
            List<MessageInfo> list = messages(ps);
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("list messages to copy", e);
        }
    }

    @Override
    public long pendingCount(long folderId, long uidValidity) throws StoreException {
        return pendingTotals(folderId, uidValidity)[0];
    }

    @Override
    public long[] pendingTotals(long folderId, long uidValidity) throws StoreException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(s.size), 0) FROM scan s WHERE s.folder_id = ? AND s.skip_reason IS NULL"
                + " AND NOT EXISTS (SELECT 1 FROM message_map m WHERE m.folder_id = s.folder_id AND m.uidvalidity = ?"
                + " AND m.uid = s.uid AND m.status = " + COPIED.sql() + ")";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, folderId);
            ps.setLong(2, uidValidity);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long[] totals = {rs.getLong(1), rs.getLong(2)};
                c.commit();
                return totals;
            }
        } catch (SQLException e) {
            throw fail("count messages to copy", e);
        }
    }

    @Override
    public long[] pendingTotals(String email) throws StoreException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(s.size), 0) FROM scan s JOIN folder_state f ON f.id = s.folder_id"
                + " WHERE f.email = ? AND s.skip_reason IS NULL AND NOT EXISTS (SELECT 1 FROM message_map m"
                + " WHERE m.folder_id = s.folder_id AND m.uidvalidity = f.uidvalidity AND m.uid = s.uid"
                + " AND m.status = " + COPIED.sql() + ")";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key(email));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long[] totals = {rs.getLong(1), rs.getLong(2)};
                c.commit();
                return totals;
            }
        } catch (SQLException e) {
            throw fail("count messages to copy", e);
        }
    }

    @Override
    public List<FlagChange> flagChanges(long folderId, long uidValidity, long afterUid, int limit) throws StoreException {
        String sql = "SELECT s.uid, m.target_id, s.flags FROM scan s JOIN message_map m ON m.folder_id = s.folder_id"
                + " AND m.uidvalidity = ? AND m.uid = s.uid WHERE s.folder_id = ? AND s.uid > ? AND m.status = " + COPIED.sql()
                + " AND m.flags <> s.flags ORDER BY s.uid LIMIT ?";
        return query("list flag changes", sql,
                rs -> new FlagChange(rs.getLong(1), rs.getString(2), rs.getString(3)),
                uidValidity, folderId, afterUid, limit);
    }

    @Override
    public long markVanished(long folderId, long uidValidity) throws StoreException {
        try (Connection c = connect()) {
            long n = exec(c, "UPDATE message_map SET status = " + VANISHED.sql() + " WHERE folder_id = ? AND uidvalidity = ?"
                    + " AND status = " + COPIED.sql() + " AND NOT EXISTS (SELECT 1 FROM scan s"
                    + " WHERE s.folder_id = message_map.folder_id"
                    + " AND s.uid = message_map.uid)", folderId, uidValidity);
            // failures of messages no longer on the source are moot
            exec(c, "DELETE FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND status IN " + TRIED_AGAIN
                    + " AND NOT EXISTS"
                    + " (SELECT 1 FROM scan s WHERE s.folder_id = message_map.folder_id AND s.uid = message_map.uid)", folderId, uidValidity);
            c.commit();
            return n;
        } catch (SQLException e) {
            throw fail("find vanished messages", e);
        }
    }

    @Override
    public List<VanishedCopy> vanishedCopies(long folderId, VanishedCopy after, int limit) throws StoreException {
        long afterValidity = after == null ? -1 : after.uidValidity();
        long afterUid = after == null ? -1 : after.uid();
        return query("list vanished messages", "SELECT uidvalidity, uid, target_id"
                + " FROM message_map WHERE folder_id = ? AND status = " + VANISHED.sql() + " AND target_id IS NOT NULL"
                + " AND (uidvalidity > ? OR uidvalidity = ? AND uid > ?) ORDER BY uidvalidity, uid LIMIT ?",
                rs -> new VanishedCopy(rs.getLong(1), rs.getLong(2), rs.getString(3)),
                folderId, afterValidity, afterValidity, afterUid, limit);
    }

    @Override
    public long markDeletedOnTarget(long folderId, List<VanishedCopy> deleted) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("UPDATE message_map SET status = "
                + DELETED_ON_TARGET.sql() + " WHERE folder_id = ? AND uidvalidity = ? AND uid = ? AND status = "
                + VANISHED.sql())) {
            long n = 0;
            for (VanishedCopy v : deleted) {
                ps.setLong(1, folderId);
                ps.setLong(2, v.uidValidity());
                ps.setLong(3, v.uid());
                n += ps.executeUpdate();
            }
            c.commit();
            return n;
        } catch (SQLException e) {
            throw fail("record messages deleted on the target", e);
        }
    }

    @Override
    public long markVanished(long folderId, long uidValidity, List<long[]> uidRanges) throws StoreException {
        String notScanned = " AND NOT EXISTS (SELECT 1 FROM scan s WHERE s.folder_id = message_map.folder_id"
                + " AND s.uid = message_map.uid)";
        try (Connection c = connect();
                PreparedStatement vanish = c.prepareStatement("UPDATE message_map SET status = " + VANISHED.sql()
                        + " WHERE folder_id = ? AND uidvalidity = ? AND status = " + COPIED.sql()
                        + " AND uid BETWEEN ? AND ?" + notScanned);
                PreparedStatement forget = c.prepareStatement("DELETE FROM message_map WHERE folder_id = ?"
                        + " AND uidvalidity = ? AND status IN " + sqlList(FAILED, TOO_LARGE_FOR_TARGET, SKIPPED)
                        + " AND uid BETWEEN ? AND ?" + notScanned)) {
            long n = 0;
            for (long[] range : uidRanges) {
                for (PreparedStatement ps : List.of(vanish, forget)) {
                    ps.setLong(1, folderId);
                    ps.setLong(2, uidValidity);
                    ps.setLong(3, range[0]);
                    ps.setLong(4, range[1]);
                }
                n += vanish.executeUpdate();
                forget.executeUpdate();
            }
            c.commit();
            return n;
        } catch (SQLException e) {
            throw fail("record vanished messages", e);
        }
    }

    @Override
    public void recordScannedSkips(long folderId) throws StoreException {
        try (Connection c = connect()) {
            // EXISTS on the scan's key: an IN over the scan was evaluated for every message of the folder
            exec(c, "DELETE FROM message_map WHERE folder_id = ? AND status = " + SKIPPED.sql() + " AND EXISTS"
                    + " (SELECT 1 FROM scan s WHERE s.folder_id = message_map.folder_id AND s.uid = message_map.uid)",
                    folderId);
            insertSkips(c, "folder_id IN (?)", folderId);
            c.commit();
        } catch (SQLException e) {
            throw fail("record the skips of a folder", e);
        }
    }

    @Override
    public List<SkipRecord> skips(long folderId, long uidValidity, long afterUid, int limit) throws StoreException {
        String sql = "SELECT uid, size, internal_date, message_id, flags, reason FROM message_map WHERE folder_id = ?"
                + " AND uidvalidity = ? AND status = " + SKIPPED.sql() + " AND uid > ? ORDER BY uid LIMIT ?";
        return query("list skipped messages", sql,
                rs -> new SkipRecord(new MessageInfo(rs.getLong(1), rs.getLong(2),
                    Instant.ofEpochSecond(rs.getLong(3)), MessageFlags.parse(rs.getString(5)), rs.getString(4),
                    false), rs.getString(6)), folderId, uidValidity, afterUid, limit);
    }

    // ---------------------------------------------------------------- journal

    @Override
    public void journal(long folderId, long uidValidity, List<MessageInfo> messages) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO journal (folder_id,"
                + " uidvalidity, uid, size, internal_date, message_id, flags) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (folder_id, uidvalidity, uid) DO UPDATE SET size = excluded.size,"
                + " internal_date = excluded.internal_date, message_id = excluded.message_id, flags = excluded.flags")) {
            for (MessageInfo m : messages) {
                ps.setLong(1, folderId);
                ps.setLong(2, uidValidity);
                ps.setLong(3, m.uid());
                bindMessage(ps, 4, m);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            makeDurable();
        } catch (SQLException e) {
            throw fail("journal messages before appending them", e);
        }
    }

    @Override
    public List<JournalEntry> journalEntries(long folderId) throws StoreException {
        return query("read the journal", "SELECT uidvalidity, uid, size,"
                + " internal_date, message_id, flags FROM journal WHERE folder_id = ? ORDER BY uidvalidity, uid",
                rs -> new JournalEntry(rs.getLong(1), rs.getLong(2), new MessageFingerprint(rs.getLong(3),
                    Instant.ofEpochSecond(rs.getLong(4)), rs.getString(5)), rs.getString(6)), folderId);
    }

    @Override
    public List<Long> foldersWithJournal(String email) throws StoreException {
        return query("read the journal", "SELECT DISTINCT j.folder_id FROM journal j"
                + " JOIN folder_state f ON f.id = j.folder_id WHERE f.email = ? ORDER BY j.folder_id",
                rs -> rs.getLong(1), key(email));
    }

    @Override
    public boolean isTargetIdRecorded(String email, String targetId) throws StoreException {
        return !query("look up a target message", "SELECT 1 FROM message_map m JOIN folder_state f ON f.id = m.folder_id"
                + " WHERE m.target_id = ? AND f.email = ? AND m.status IN " + ON_TARGET + " LIMIT 1", rs -> true, targetId,
                key(email)).isEmpty();
    }

    @Override
    public List<MessageFingerprint> copiedWithoutTargetId(long folderId, int epoch) throws StoreException {
        return query("read copied messages", "SELECT size, internal_date, message_id"
                + " FROM message_map WHERE folder_id = ? AND epoch = ? AND target_id IS NULL AND status IN " + ON_TARGET,
                rs -> new MessageFingerprint(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3)),
                folderId, epoch);
    }

    // ---------------------------------------------------------------- recording

    @Override
    public Recorder recorder() {
        return new JdbcRecorder();
    }

    /** One outcome waiting for the recorder's commit, written with the recorder's statements. */
    @FunctionalInterface
    private interface PendingWrite {
        void write(RecorderStatements statements) throws SQLException;
    }

    /** The statements a recorder's commit writes with, prepared once per commit. */
    private record RecorderStatements(PreparedStatement upsert, PreparedStatement unjournal, PreparedStatement flags) {
    }

    /** Gathers outcomes in memory and writes them in one transaction on {@link #commit()}. */
    private final class JdbcRecorder implements Recorder {
        private final List<PendingWrite> pending = new ArrayList<>();

        private void upsertMessage(long folderId, long uidValidity, MessageInfo m, MessageStatus status, String targetId,
                int epoch, String reason) {
            pending.add(s -> {
                PreparedStatement upsert = s.upsert();
                upsert.setLong(1, folderId);
                upsert.setLong(2, uidValidity);
                upsert.setLong(3, m.uid());
                upsert.setString(4, status.code());
                if (targetId == null) {
                    upsert.setNull(5, Types.VARCHAR);
                } else {
                    upsert.setString(5, targetId);
                }
                bindMessage(upsert, 6, m);
                upsert.setInt(10, epoch);
                upsert.setString(11, truncate(reason, 4000));
                upsert.executeUpdate();
                deleteJournalEntry(s, folderId, uidValidity, m.uid());
            });
        }

        @Override
        public void copied(long folderId, long uidValidity, MessageInfo message, String targetId, int epoch) {
            upsertMessage(folderId, uidValidity, message, COPIED, targetId, epoch, null);
        }

        @Override
        public void alreadyOnTarget(long folderId, long uidValidity, MessageInfo message, String targetId) {
            // epoch 0 belongs to no checkpoint: crash recovery never takes such a message for one of its appends
            upsertMessage(folderId, uidValidity, message, COPIED, targetId, 0, ALREADY_ON_TARGET);
        }

        @Override
        public void failed(long folderId, long uidValidity, MessageInfo message, String reason) {
            upsertMessage(folderId, uidValidity, message, FAILED, null, 0, reason);
        }

        @Override
        public void skipped(long folderId, long uidValidity, MessageInfo message, String reason) {
            upsertMessage(folderId, uidValidity, message, SKIPPED, null, 0, reason);
        }

        @Override
        public void tooLargeForTarget(long folderId, long uidValidity, MessageInfo message, String reason) {
            upsertMessage(folderId, uidValidity, message, TOO_LARGE_FOR_TARGET, null, 0, reason);
        }

        @Override
        public void flagsSynced(long folderId, long uidValidity, long uid, String newFlags) {
            pending.add(s -> {
                s.flags().setString(1, newFlags);
                s.flags().setLong(2, folderId);
                s.flags().setLong(3, uidValidity);
                s.flags().setLong(4, uid);
                s.flags().executeUpdate();
            });
        }

        @Override
        public void unjournal(long folderId, long uidValidity, long uid) {
            pending.add(s -> deleteJournalEntry(s, folderId, uidValidity, uid));
        }

        private static void deleteJournalEntry(RecorderStatements s, long folderId, long uidValidity, long uid)
                throws SQLException {
            s.unjournal().setLong(1, folderId);
            s.unjournal().setLong(2, uidValidity);
            s.unjournal().setLong(3, uid);
            s.unjournal().executeUpdate();
        }

        @Override
        public int pending() {
            return pending.size();
        }

        @Override
        public void commit() throws StoreException {
            if (pending.isEmpty()) {
                return;
            }
            try (Connection c = connect();
                    PreparedStatement upsert = c.prepareStatement("INSERT INTO message_map (folder_id, uidvalidity, uid,"
                            + " status, target_id, size, internal_date, message_id, flags, epoch, reason)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (folder_id, uidvalidity, uid) DO UPDATE"
                            + " SET status = excluded.status, target_id = excluded.target_id, size = excluded.size,"
                            + " internal_date = excluded.internal_date, message_id = excluded.message_id,"
                            + " flags = excluded.flags, epoch = excluded.epoch, reason = excluded.reason");
                    PreparedStatement unjournal = c.prepareStatement(
                            "DELETE FROM journal WHERE folder_id = ? AND uidvalidity = ? AND uid = ?");
                    PreparedStatement flags = c.prepareStatement("UPDATE message_map SET flags = ? WHERE folder_id = ?"
                            + " AND uidvalidity = ? AND uid = ?")) {
                RecorderStatements statements = new RecorderStatements(upsert, unjournal, flags);
                for (PendingWrite write : pending) {
                    write.write(statements);
                }
                c.commit();
                pending.clear();
            } catch (SQLException e) {
                throw fail("commit recorded messages", e);
            }
        }

        @Override
        public void rollback() {
            pending.clear();
        }

        @Override
        public void close() {
            rollback();
        }
    }

    @Override
    public FolderStatus folderStatus(long folderId) throws StoreException {
        return queryFolderStatuses(String.format(FOLDER_STATUS_SQL, "f.id = ?"), folderId).get(0);
    }
}
