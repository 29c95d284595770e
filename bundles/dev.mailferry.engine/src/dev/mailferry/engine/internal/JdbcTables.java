package dev.mailferry.engine.internal;

import static dev.mailferry.engine.internal.MessageStatus.COPIED;
import static dev.mailferry.engine.internal.MessageStatus.FAILED;
import static dev.mailferry.engine.internal.MessageStatus.SKIPPED;
import static dev.mailferry.engine.internal.MessageStatus.TOO_LARGE_FOR_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.VANISHED;
import static dev.mailferry.engine.internal.MessageStatus.DELETED_ON_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.sqlList;

import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.FolderStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the two parts of the state database share: its one connection (see {@link JdbcStateStore}), the groups of
 * message statuses the SQL names, the folder status query (the reports list folders, a pass reads one), and the JDBC
 * helpers.
 */
abstract class JdbcTables {

    /** Statuses of the messages on the target: copied, also those since gone from the source. */
    static final String ON_TARGET = sqlList(COPIED, VANISHED);
    /** Statuses the reports count as skipped. */
    static final String COUNTED_AS_SKIPPED = sqlList(SKIPPED, TOO_LARGE_FOR_TARGET);
    /** Statuses of the messages the next pass tries again. */
    static final String TRIED_AGAIN = sqlList(FAILED, TOO_LARGE_FOR_TARGET);
    /** Statuses of the messages not on the target (skipped, failed, refused): the detail report lists them. */
    static final String NOT_COPIED = sqlList(SKIPPED, FAILED, TOO_LARGE_FOR_TARGET);

    private final JdbcStateStore database;

    JdbcTables(JdbcStateStore database) {
        this.database = database;
    }

    /** The database's connection, for this thread alone until closed (see {@link JdbcStateStore#connect}). */
    final Connection connect() throws SQLException {
        return database.connect();
    }

    /** Syncs every commit so far to the disk (see {@link JdbcStateStore#makeDurable}). */
    final void makeDurable() throws SQLException {
        database.makeDurable();
    }

    static StoreException fail(String what, SQLException e) {
        return new StoreException("Could not " + what + " in the project's state database: " + e.getMessage(), e);
    }

    static String key(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static final String FOLDER_STATUS_SQL = "SELECT f.email, f.source_path, f.target_path, f.note,"
            + " COALESCE(SUM(CASE WHEN t.status = " + COPIED.sql() + " THEN t.messages ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN t.status IN " + COUNTED_AS_SKIPPED + " THEN t.messages ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN t.status = " + FAILED.sql() + " THEN t.messages ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN t.status IN " + ON_TARGET + " THEN t.bytes ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN t.status = " + VANISHED.sql() + " THEN t.messages ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN t.status = " + COPIED.sql() + " AND t.already = 1 THEN t.messages ELSE 0 END), 0),"
            + " f.renamed_from, f.on_target, f.recorded_on_target,"
            + " COALESCE(SUM(CASE WHEN t.status = " + DELETED_ON_TARGET.sql() + " THEN t.messages ELSE 0 END), 0)"
            + " FROM folder_state f LEFT JOIN message_totals t ON t.folder_id = f.id AND t.uidvalidity = f.uidvalidity"
            + " WHERE %s GROUP BY f.id, f.email, f.source_path, f.target_path, f.note, f.renamed_from, f.on_target,"
            + " f.recorded_on_target ORDER BY f.id";

    final List<FolderStatus> queryFolderStatuses(String sql, Object arg) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            List<FolderStatus> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long alreadyOnTarget = rs.getLong(10);
                    long onTarget = rs.getLong(12);
                    FolderStatus.ReadBack readBack = rs.wasNull() ? null
                            : new FolderStatus.ReadBack(onTarget, rs.getLong(13));
                    list.add(new FolderStatus(rs.getString(1), Codecs.decodePath(rs.getString(2)),
                            Codecs.decodePath(rs.getString(3)), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                            rs.getLong(9), folderNote(rs.getString(4), rs.getString(11), alreadyOnTarget, readBack,
                                    rs.getLong(14)),
                            alreadyOnTarget, readBack));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read folder status", e);
        }
    }

    /** The note shown in the reports: the pass's note, then the folder's rename and the messages found on the target. */
    private static String folderNote(String note, String renamedFrom, long alreadyOnTarget,
            FolderStatus.ReadBack readBack, long deletedOnTarget) {
        List<String> parts = new ArrayList<>();
        if (note != null && !note.isBlank()) {
            parts.add(note);
        }
        if (renamedFrom != null) {
            parts.add(renamedFrom);
        }
        if (alreadyOnTarget > 0) {
            parts.add(alreadyOnTarget + (alreadyOnTarget == 1 ? " message was" : " messages were") + " " + SyncStore.ALREADY_ON_TARGET
                    + " and not copied again");
        }
        if (deletedOnTarget > 0) {
            parts.add(deletedOnTarget + (deletedOnTarget == 1 ? " message" : " messages")
                    + " expunged on the source " + (deletedOnTarget == 1 ? "was" : "were")
                    + " deleted on the target (mirror deletion)");
        }
        if (readBack != null && readBack.missing() > 0) {
            parts.add("read back: the target folder holds " + readBack.onTarget() + " messages, fewer than the "
                    + readBack.recorded() + " recorded as copied there");
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    final void update(String what, String sql, Object... args) throws StoreException {
        try (Connection c = connect()) {
            exec(c, sql, args);
            c.commit();
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    /** Reads one row of a result into a value. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * The rows {@code sql} selects with {@code args} bound in order, each read by {@code row}, in a transaction of its
     * own; {@code what} names the read in the error.
     */
    final <T> List<T> query(String what, String sql, RowReader<T> row, Object... args) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<T> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(row.read(rs));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    static long exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** Binds a message's size, internal date, Message-ID and flags, the columns every message table has, from {@code first}. */
    static void bindMessage(PreparedStatement ps, int first, MessageInfo m) throws SQLException {
        ps.setLong(first, m.size());
        ps.setLong(first + 1, m.internalDate().getEpochSecond());
        ps.setString(first + 2, truncate(m.messageId(), 2000));
        ps.setString(first + 3, m.flags().toString());
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
