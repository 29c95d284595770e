package dev.mailferry.engine.internal;

import static dev.mailferry.engine.internal.MessageStatus.COPIED;
import static dev.mailferry.engine.internal.MessageStatus.FAILED;
import static dev.mailferry.engine.internal.MessageStatus.VANISHED;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MailboxStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The project's part of the state database ({@link ProjectStore}): mailboxes, batches, the passes over them and what
 * the reports read.
 */
final class JdbcProjectStore extends JdbcTables implements ProjectStore {

    JdbcProjectStore(JdbcStateStore database) {
        super(database);
    }

    // ---------------------------------------------------------------- mailboxes

    @Override
    public void putMailboxes(Collection<MailboxEntry> entries) throws StoreException {
        try (Connection c = connect();
                PreparedStatement del = c.prepareStatement("DELETE FROM mailbox WHERE email = ?");
                PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO mailbox (email, source_user, user_root, target_user) VALUES (?, ?, ?, ?)")) {
            for (MailboxEntry e : entries) {
                del.setString(1, key(e.emailAddress()));
                del.executeUpdate();
                ins.setString(1, key(e.emailAddress()));
                ins.setString(2, e.sourceUserName());
                ins.setString(3, e.userRoot());
                ins.setString(4, e.targetUserName());
                ins.executeUpdate();
            }
            c.commit();
            makeDurable();
        } catch (SQLException e) {
            throw fail("store mailboxes", e);
        }
    }

    @Override
    public List<MailboxEntry> mailboxes() throws StoreException {
        return queryMailboxes("SELECT email, source_user, user_root, target_user FROM mailbox ORDER BY email");
    }

    @Override
    public Optional<MailboxEntry> mailbox(String email) throws StoreException {
        return queryMailboxes("SELECT email, source_user, user_root, target_user FROM mailbox WHERE email = ?", key(email))
                .stream().findFirst();
    }

    private List<MailboxEntry> queryMailboxes(String sql, Object... args) throws StoreException {
        return query("read mailboxes", sql,
                rs -> new MailboxEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), args);
    }

    // ---------------------------------------------------------------- batches

    @Override
    public void createBatch(String name, BatchOptions options, List<String> emails, Instant created) throws StoreException {
        try (Connection c = connect();
                PreparedStatement b = c.prepareStatement("INSERT INTO batch (name, state, options, created_at, passes)"
                        + " VALUES (?, ?, ?, ?, 0)");
                PreparedStatement m = c.prepareStatement("INSERT INTO batch_mailbox (batch, email, state, last_pass_copied,"
                        + " last_pass_ms) VALUES (?, ?, ?, 0, 0)")) {
            b.setString(1, name);
            b.setString(2, BatchState.CREATED.name());
            b.setString(3, Codecs.encodeOptions(options));
            b.setTimestamp(4, ts(created));
            b.executeUpdate();
            for (String email : emails) {
                m.setString(1, name);
                m.setString(2, key(email));
                m.setString(3, MailboxState.QUEUED.name());
                m.executeUpdate();
            }
            c.commit();
            makeDurable();
        } catch (SQLException e) {
            throw fail("create batch " + name, e);
        }
    }

    @Override
    public List<BatchInfo> batches() throws StoreException {
        return queryBatches(null);
    }

    @Override
    public Optional<BatchInfo> batch(String name) throws StoreException {
        return queryBatches(name).stream().findFirst();
    }

    private List<BatchInfo> queryBatches(String name) throws StoreException {
        String sql = "SELECT name, state, options, created_at, last_sync_start, last_sync_end, passes FROM batch"
                + (name == null ? "" : " WHERE name = ?") + " ORDER BY created_at, name";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql);
                PreparedStatement mps = c.prepareStatement("SELECT email FROM batch_mailbox WHERE batch = ? ORDER BY email")) {
            if (name != null) {
                ps.setString(1, name);
            }
            List<BatchInfo> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> emails = new ArrayList<>();
                    mps.setString(1, rs.getString(1));
                    try (ResultSet mrs = mps.executeQuery()) {
                        while (mrs.next()) {
                            emails.add(mrs.getString(1));
                        }
                    }
                    list.add(new BatchInfo(rs.getString(1), BatchState.valueOf(rs.getString(2)),
                            Codecs.decodeOptions(rs.getString(3)), emails, instant(rs.getTimestamp(4)),
                            instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), rs.getInt(7)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read batches", e);
        }
    }

    @Override
    public void setBatchOptions(String name, BatchOptions options) throws StoreException {
        update("change the options of batch " + name, "UPDATE batch SET options = ? WHERE name = ?",
                Codecs.encodeOptions(options), name);
    }

    @Override
    public void removeFromBatch(String name, Collection<String> emails) throws StoreException {
        try (Connection c = connect()) {
            for (String email : emails) {
                exec(c, "DELETE FROM batch_mailbox WHERE batch = ? AND email = ?", name, key(email));
            }
            c.commit();
            makeDurable();
        } catch (SQLException e) {
            throw fail("remove mailboxes from batch " + name, e);
        }
    }

    @Override
    public void batchPassStarted(String name, BatchState state, Instant start) throws StoreException {
        update("record the start of batch " + name, "UPDATE batch SET state = ?, last_sync_start = ? WHERE name = ?",
                state.name(), ts(start), name);
    }

    @Override
    public void batchPassFinished(String name, BatchState state, Instant end) throws StoreException {
        // durable: a completed batch must stay completed whatever happens next
        try (Connection c = connect()) {
            exec(c, "UPDATE batch SET state = ?, last_sync_end = ?, passes = passes + 1 WHERE name = ?", state.name(),
                    ts(end), name);
            c.commit();
            makeDurable();
        } catch (SQLException e) {
            throw fail("record the end of batch " + name, e);
        }
    }

    @Override
    public void mailboxPassStarted(String batch, String email) throws StoreException {
        update("record the start of " + email, "UPDATE batch_mailbox SET state = ? WHERE batch = ? AND email = ?",
                MailboxState.SYNCING.name(), batch, key(email));
    }

    @Override
    public void markMailboxCompleted(String batch, String email) throws StoreException {
        update("record the completion of " + email, "UPDATE batch_mailbox SET state = ? WHERE batch = ? AND email = ?",
                MailboxState.COMPLETED.name(), batch, key(email));
    }

    @Override
    public void mailboxPassFinished(String batch, String email, MailboxState state, long copied, Duration duration,
            Duration throttled, String error, Instant end) throws StoreException {
        update("record the end of " + email, "UPDATE batch_mailbox SET state = ?, last_pass_copied = ?, last_pass_ms = ?,"
                + " last_pass_throttled_ms = ?, last_error = ?, last_sync_end = ? WHERE batch = ? AND email = ?",
                state.name(), copied, duration.toMillis(), throttled.toMillis(),
                error == null ? null : truncate(error, 4000), ts(end), batch, key(email));
    }

    @Override
    public List<MailboxStatus> mailboxStatuses(String batch) throws StoreException {
        String sql = "SELECT bm.email, bm.state, bm.last_pass_copied, bm.last_pass_ms, bm.last_error, bm.last_sync_end,"
                + " COALESCE(SUM(CASE WHEN t.status = " + COPIED.sql() + " THEN t.messages ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN t.status IN " + COUNTED_AS_SKIPPED + " THEN t.messages ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN t.status = " + FAILED.sql() + " THEN t.messages ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN t.status IN " + ON_TARGET + " THEN t.bytes ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN t.status = " + VANISHED.sql() + " THEN t.messages ELSE 0 END), 0),"
                + " bm.last_pass_throttled_ms"
                + " FROM batch_mailbox bm LEFT JOIN folder_state f ON f.email = bm.email"
                + " LEFT JOIN message_totals t ON t.folder_id = f.id AND t.uidvalidity = f.uidvalidity"
                + " WHERE bm.batch = ? GROUP BY bm.email, bm.state, bm.last_pass_copied, bm.last_pass_ms, bm.last_error,"
                + " bm.last_sync_end, bm.last_pass_throttled_ms ORDER BY bm.email";
        return query("read the status of batch " + batch, sql,
                rs -> new MailboxStatus(rs.getString(1), MailboxState.valueOf(rs.getString(2)), rs.getLong(7),
                    rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(3),
                    Duration.ofMillis(rs.getLong(4)), Duration.ofMillis(rs.getLong(12)), rs.getString(5),
                    instant(rs.getTimestamp(6))), batch);
    }

    @Override
    public List<FolderStatus> folderStatuses(String email) throws StoreException {
        return queryFolderStatuses(String.format(FOLDER_STATUS_SQL, "f.email = ?"), key(email));
    }

    @Override
    public void forEachProblem(String email, ProblemConsumer consumer) throws StoreException {
        String sql = "SELECT f.source_path, m.uid, m.message_id, m.size, m.internal_date, m.status, m.reason"
                + " FROM message_map m JOIN folder_state f ON f.id = m.folder_id AND m.uidvalidity = f.uidvalidity"
                + " WHERE f.email = ? AND m.status IN " + NOT_COPIED + " ORDER BY f.id, m.uid";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key(email));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(Codecs.decodePath(rs.getString(1)), rs.getLong(2), rs.getString(3), rs.getLong(4),
                            Instant.ofEpochSecond(rs.getLong(5)), MessageStatus.ofCode(rs.getString(6)), rs.getString(7));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("list skipped and failed messages of " + email, e);
        }
    }
}
