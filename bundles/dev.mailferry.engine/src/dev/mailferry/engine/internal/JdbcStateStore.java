package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.model.MessageFingerprint;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxState;
import dev.mailferry.engine.MailboxStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * {@link StateStore} over JDBC. The SQL is kept to what H2 and PostgreSQL share (MERGE excepted, isolated in
 * {@link #upsertMessage}); the schema is versioned in {@code schema_version}.
 */
public final class JdbcStateStore implements StateStore {

    static final int SCHEMA_VERSION = 1;

    private final DataSource dataSource;
    private final JdbcConnectionPool pool;

    private JdbcStateStore(JdbcConnectionPool pool) {
        this.pool = pool;
        this.dataSource = pool;
    }

    /**
     * Opens (creating when missing) the embedded database {@code <folder>/state.mv.db}.
     *
     * <p>H2 writes committed transactions to the file in the background (within its write delay) and in commit order,
     * so a killed process loses at most the newest commits, never an older one. Only two writes must reach the file
     * before the engine goes on: the journal entries and the target checkpoint, both before the appends they cover;
     * those are followed by a {@code CHECKPOINT} ({@link #makeDurable}). Every other write may be lost in a crash
     * without harm: a lost outcome takes its journal entry's removal with it (same transaction), so recovery finds the
     * message on the target; scans and plans are redone by every pass.
     */
    public static JdbcStateStore openEmbedded(Path folder) throws StoreException {
        String url = "jdbc:h2:file:" + folder.toAbsolutePath().resolve("state") + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "mailferry", "");
        pool.setMaxConnections(64);
        JdbcStateStore store = new JdbcStateStore(pool);
        try {
            store.migrate();
        } catch (StoreException e) {
            pool.dispose();
            if (e.getCause() instanceof SQLException sql && sql.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw new StoreException("The project in " + folder + " is open in another Mailferry process (its"
                        + " state database is locked); wait for that process to finish", sql);
            }
            throw e;
        }
        return store;
    }

    private Connection connect() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    private void migrate() throws StoreException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                throw new StoreException("The project's state database has schema version " + version
                        + ", newer than this Mailferry understands (" + SCHEMA_VERSION + "); update Mailferry", null);
            }
            if (version < 1) {
                for (String sql : SCHEMA_V1) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (1)");
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("open the state database", e);
        }
    }

    private static final String[] SCHEMA_V1 = {
        "CREATE TABLE mailbox (email VARCHAR(320) PRIMARY KEY, source_user VARCHAR(320) NOT NULL, user_root VARCHAR(1000),"
                + " target_user VARCHAR(320))",
        "CREATE TABLE batch (name VARCHAR(200) PRIMARY KEY, state VARCHAR(30) NOT NULL, options VARCHAR(100000) NOT NULL,"
                + " created_at TIMESTAMP NOT NULL, last_sync_start TIMESTAMP, last_sync_end TIMESTAMP, passes INT NOT NULL)",
        "CREATE TABLE batch_mailbox (batch VARCHAR(200) NOT NULL, email VARCHAR(320) NOT NULL, state VARCHAR(20) NOT NULL,"
                + " last_pass_copied BIGINT NOT NULL, last_pass_ms BIGINT NOT NULL, last_error VARCHAR(4000),"
                + " last_sync_end TIMESTAMP, PRIMARY KEY (batch, email))",
        "CREATE TABLE folder_state (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, email VARCHAR(320) NOT NULL,"
                + " source_path VARCHAR(4000) NOT NULL, target_path VARCHAR(4000) NOT NULL, uidvalidity BIGINT NOT NULL,"
                + " checkpoint VARCHAR(400), epoch INT NOT NULL, note VARCHAR(4000), UNIQUE (email, source_path))",
        // status: C copied, S skipped, F failed, V copied but since vanished from the source
        "CREATE TABLE message_map (folder_id BIGINT NOT NULL, uidvalidity BIGINT NOT NULL, uid BIGINT NOT NULL,"
                + " status CHAR(1) NOT NULL, target_id VARCHAR(400), size BIGINT NOT NULL, internal_date BIGINT NOT NULL,"
                + " message_id VARCHAR(2000), flags VARCHAR(4000) NOT NULL, epoch INT NOT NULL, reason VARCHAR(4000),"
                + " PRIMARY KEY (folder_id, uidvalidity, uid))",
        "CREATE INDEX message_map_target ON message_map (target_id)",
        "CREATE TABLE journal (folder_id BIGINT NOT NULL, uidvalidity BIGINT NOT NULL, uid BIGINT NOT NULL,"
                + " size BIGINT NOT NULL, internal_date BIGINT NOT NULL, message_id VARCHAR(2000), flags VARCHAR(4000) NOT NULL,"
                + " PRIMARY KEY (folder_id, uidvalidity, uid))",
        // scan: the source's metadata of the current pass; skip_reason set by planning
        "CREATE TABLE scan (folder_id BIGINT NOT NULL, uid BIGINT NOT NULL, size BIGINT NOT NULL,"
                + " internal_date BIGINT NOT NULL, message_id VARCHAR(2000), flags VARCHAR(4000) NOT NULL,"
                + " deleted BOOLEAN NOT NULL, skip_reason VARCHAR(1000), PRIMARY KEY (folder_id, uid))",
        "CREATE INDEX scan_date ON scan (internal_date)",
    };

    /** Writes every commit so far to the file (see {@link #openEmbedded}). */
    private static void makeDurable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    private static StoreException fail(String what, SQLException e) {
        return new StoreException("Could not " + what + " in the project's state database: " + e.getMessage(), e);
    }

    private static String key(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
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
            makeDurable(c);
        } catch (SQLException e) {
            throw fail("store mailboxes", e);
        }
    }

    @Override
    public List<MailboxEntry> mailboxes() throws StoreException {
        return queryMailboxes("SELECT email, source_user, user_root, target_user FROM mailbox ORDER BY email", null);
    }

    @Override
    public Optional<MailboxEntry> mailbox(String email) throws StoreException {
        return queryMailboxes("SELECT email, source_user, user_root, target_user FROM mailbox WHERE email = ?", key(email))
                .stream().findFirst();
    }

    private List<MailboxEntry> queryMailboxes(String sql, String arg) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            List<MailboxEntry> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MailboxEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read mailboxes", e);
        }
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
            makeDurable(c);
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
            makeDurable(c);
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
            String error, Instant end) throws StoreException {
        update("record the end of " + email, "UPDATE batch_mailbox SET state = ?, last_pass_copied = ?, last_pass_ms = ?,"
                + " last_error = ?, last_sync_end = ? WHERE batch = ? AND email = ?", state.name(), copied,
                duration.toMillis(), error == null ? null : truncate(error, 4000), ts(end), batch, key(email));
    }

    @Override
    public List<MailboxStatus> mailboxStatuses(String batch) throws StoreException {
        String sql = "SELECT bm.email, bm.state, bm.last_pass_copied, bm.last_pass_ms, bm.last_error, bm.last_sync_end,"
                + " COALESCE(SUM(CASE WHEN m.status = 'C' THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN m.status = 'S' THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN m.status = 'F' THEN 1 ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN m.status IN ('C', 'V') THEN m.size ELSE 0 END), 0),"
                + " COALESCE(SUM(CASE WHEN m.status = 'V' THEN 1 ELSE 0 END), 0)"
                + " FROM batch_mailbox bm LEFT JOIN folder_state f ON f.email = bm.email"
                + " LEFT JOIN message_map m ON m.folder_id = f.id AND m.uidvalidity = f.uidvalidity"
                + " WHERE bm.batch = ? GROUP BY bm.email, bm.state, bm.last_pass_copied, bm.last_pass_ms, bm.last_error,"
                + " bm.last_sync_end ORDER BY bm.email";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, batch);
            List<MailboxStatus> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MailboxStatus(rs.getString(1), MailboxState.valueOf(rs.getString(2)), rs.getLong(7),
                            rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(3),
                            Duration.ofMillis(rs.getLong(4)), rs.getString(5), instant(rs.getTimestamp(6))));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read the status of batch " + batch, e);
        }
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
                try (PreparedStatement ps = c.prepareStatement("UPDATE folder_state SET target_path = ? WHERE id = ?")) {
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

    private static final String FOLDER_COLUMNS = "id, email, source_path, target_path, uidvalidity, checkpoint, epoch";

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
                Codecs.decodePath(rs.getString(4)), rs.getLong(5), rs.getString(6), rs.getInt(7));
    }

    @Override
    public List<FolderRecord> folders(String email) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT " + FOLDER_COLUMNS
                + " FROM folder_state WHERE email = ? ORDER BY id")) {
            ps.setString(1, key(email));
            List<FolderRecord> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(folderRecord(rs));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read folders of " + email, e);
        }
    }

    @Override
    public void setFolderNote(long folderId, String note) throws StoreException {
        update("record a folder note", "UPDATE folder_state SET note = ? WHERE id = ?",
                note == null ? null : truncate(note, 4000), folderId);
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
            makeDurable(c);
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
                + " (" + numbered + " FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND status = 'C') m"
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
            exec(c, "UPDATE message_map SET status = 'V' WHERE folder_id = ? AND uidvalidity = ? AND status = 'C'",
                    folderId, oldUidValidity);
            exec(c, "DELETE FROM message_map WHERE folder_id = ? AND uidvalidity = ? AND status IN ('S', 'F')", folderId,
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
    public ScanWriter scanWriter(long folderId, long fromUid, long toUid) throws StoreException {
        try {
            Connection c = connect();
            try (PreparedStatement del = c.prepareStatement("DELETE FROM scan WHERE folder_id = ? AND uid BETWEEN ? AND ?")) {
                del.setLong(1, folderId);
                del.setLong(2, fromUid);
                del.setLong(3, toUid);
                del.executeUpdate();
            }
            PreparedStatement ins = c.prepareStatement("INSERT INTO scan (folder_id, uid, size, internal_date, message_id,"
                    + " flags, deleted, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            return new ScanWriter() {
                int batched;

                @Override
                public void add(MessageInfo m, String skipReason) throws StoreException {
                    try {
                        ins.setLong(1, folderId);
                        ins.setLong(2, m.uid());
                        ins.setLong(3, m.size());
                        ins.setLong(4, m.internalDate().getEpochSecond());
                        ins.setString(5, truncate(m.messageId(), 2000));
                        ins.setString(6, m.flags().toString());
                        ins.setBoolean(7, m.deleted());
                        ins.setString(8, skipReason);
                        ins.addBatch();
                        if (++batched == 1000) {
                            ins.executeBatch();
                            batched = 0;
                        }
                    } catch (SQLException e) {
                        throw fail("record scanned messages", e);
                    }
                }

                @Override
                public void commit() throws StoreException {
                    try {
                        if (batched > 0) {
                            ins.executeBatch();
                            batched = 0;
                        }
                        c.commit();
                    } catch (SQLException e) {
                        throw fail("record scanned messages", e);
                    }
                }

                @Override
                public void close() throws StoreException {
                    try {
                        if (batched > 0) {
                            ins.executeBatch();
                        }
                        c.commit();
                    } catch (SQLException e) {
                        throw fail("record scanned messages", e);
                    } finally {
                        closeQuietly(ins, c);
                    }
                }
            };
        } catch (SQLException e) {
            throw fail("prepare the folder scan", e);
        }
    }

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
        update("forget the skips of folders not copied any more", "DELETE FROM message_map WHERE status = 'S'"
                + " AND folder_id IN (" + MAILBOX_FOLDERS + ") AND NOT (folder_id = ANY(?))", key(email),
                folderIds.toArray(new Long[0]));
    }

    /** The skips of this pass replace those of the previous one; already copied messages are never "skipped". */
    private static void recordSkips(Connection c, String inFolders, Object arg) throws SQLException {
        exec(c, "DELETE FROM message_map WHERE status = 'S' AND " + inFolders, arg);
        exec(c, "INSERT INTO message_map (folder_id, uidvalidity, uid, status, target_id, size, internal_date,"
                + " message_id, flags, epoch, reason) SELECT s.folder_id, f.uidvalidity, s.uid, 'S', NULL, s.size,"
                + " s.internal_date, s.message_id, s.flags, 0, s.skip_reason FROM scan s JOIN folder_state f"
                + " ON f.id = s.folder_id WHERE s." + inFolders + " AND s.skip_reason IS NOT NULL AND NOT EXISTS"
                + " (SELECT 1 FROM message_map m WHERE m.folder_id = s.folder_id AND m.uidvalidity = f.uidvalidity"
                + " AND m.uid = s.uid AND m.status IN ('C', 'F'))", arg);
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
                + " WHERE m.folder_id = s.folder_id AND m.uidvalidity = ? AND m.uid = s.uid AND m.status = 'C')"
                + " ORDER BY s.uid FETCH FIRST ? ROWS ONLY";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, folderId);
            ps.setLong(2, afterUid);
            ps.setLong(3, toUid);
            ps.setLong(4, uidValidity);
            ps.setInt(5, limit);
            List<MessageInfo> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MessageInfo(rs.getLong(1), rs.getLong(2), Instant.ofEpochSecond(rs.getLong(3)),
                            MessageFlags.parse(rs.getString(5)), rs.getString(4), false));
                }
            }
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
                + " AND m.uid = s.uid AND m.status = 'C')";
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
                + " WHERE m.folder_id = s.folder_id AND m.uidvalidity = f.uidvalidity AND m.uid = s.uid AND m.status = 'C')";
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
                + " AND m.uidvalidity = ? AND m.uid = s.uid WHERE s.folder_id = ? AND s.uid > ? AND m.status = 'C'"
                + " AND m.flags <> s.flags ORDER BY s.uid FETCH FIRST ? ROWS ONLY";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, uidValidity);
            ps.setLong(2, folderId);
            ps.setLong(3, afterUid);
            ps.setInt(4, limit);
            List<FlagChange> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new FlagChange(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("list flag changes", e);
        }
    }

    @Override
    public long markVanished(long folderId, long uidValidity) throws StoreException {
        try (Connection c = connect()) {
            long n = exec(c, "UPDATE message_map m SET status = 'V' WHERE folder_id = ? AND uidvalidity = ?"
                    + " AND status = 'C' AND NOT EXISTS (SELECT 1 FROM scan s WHERE s.folder_id = m.folder_id"
                    + " AND s.uid = m.uid)", folderId, uidValidity);
            // failures of messages no longer on the source are moot
            exec(c, "DELETE FROM message_map m WHERE folder_id = ? AND uidvalidity = ? AND status = 'F' AND NOT EXISTS"
                    + " (SELECT 1 FROM scan s WHERE s.folder_id = m.folder_id AND s.uid = m.uid)", folderId, uidValidity);
            c.commit();
            return n;
        } catch (SQLException e) {
            throw fail("find vanished messages", e);
        }
    }

    @Override
    public List<SkipRecord> skips(long folderId, long uidValidity, long afterUid, int limit) throws StoreException {
        String sql = "SELECT uid, size, internal_date, message_id, flags, reason FROM message_map WHERE folder_id = ?"
                + " AND uidvalidity = ? AND status = 'S' AND uid > ? ORDER BY uid FETCH FIRST ? ROWS ONLY";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, folderId);
            ps.setLong(2, uidValidity);
            ps.setLong(3, afterUid);
            ps.setInt(4, limit);
            List<SkipRecord> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new SkipRecord(new MessageInfo(rs.getLong(1), rs.getLong(2),
                            Instant.ofEpochSecond(rs.getLong(3)), MessageFlags.parse(rs.getString(5)), rs.getString(4),
                            false), rs.getString(6)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("list skipped messages", e);
        }
    }

    // ---------------------------------------------------------------- journal

    @Override
    public void journal(long folderId, long uidValidity, List<MessageInfo> messages) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("MERGE INTO journal (folder_id,"
                + " uidvalidity, uid, size, internal_date, message_id, flags) KEY (folder_id, uidvalidity, uid)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (MessageInfo m : messages) {
                ps.setLong(1, folderId);
                ps.setLong(2, uidValidity);
                ps.setLong(3, m.uid());
                ps.setLong(4, m.size());
                ps.setLong(5, m.internalDate().getEpochSecond());
                ps.setString(6, truncate(m.messageId(), 2000));
                ps.setString(7, m.flags().toString());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            makeDurable(c);
        } catch (SQLException e) {
            throw fail("journal messages before appending them", e);
        }
    }

    @Override
    public List<JournalEntry> journalEntries(long folderId) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT uidvalidity, uid, size,"
                + " internal_date, message_id, flags FROM journal WHERE folder_id = ? ORDER BY uidvalidity, uid")) {
            ps.setLong(1, folderId);
            List<JournalEntry> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new JournalEntry(rs.getLong(1), rs.getLong(2), new MessageFingerprint(rs.getLong(3),
                            Instant.ofEpochSecond(rs.getLong(4)), rs.getString(5)), rs.getString(6)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read the journal", e);
        }
    }

    @Override
    public List<Long> foldersWithJournal(String email) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT j.folder_id FROM journal j"
                + " JOIN folder_state f ON f.id = j.folder_id WHERE f.email = ? ORDER BY j.folder_id")) {
            ps.setString(1, key(email));
            List<Long> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(rs.getLong(1));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read the journal", e);
        }
    }

    @Override
    public boolean isTargetIdRecorded(String email, String targetId) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM message_map m JOIN"
                + " folder_state f ON f.id = m.folder_id WHERE m.target_id = ? AND f.email = ? AND m.status IN ('C', 'V')")) {
            ps.setString(1, targetId);
            ps.setString(2, key(email));
            try (ResultSet rs = ps.executeQuery()) {
                boolean found = rs.next();
                c.commit();
                return found;
            }
        } catch (SQLException e) {
            throw fail("look up a target message", e);
        }
    }

    @Override
    public List<MessageFingerprint> copiedWithoutTargetId(long folderId, int epoch) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT size, internal_date, message_id"
                + " FROM message_map WHERE folder_id = ? AND epoch = ? AND target_id IS NULL AND status IN ('C', 'V')")) {
            ps.setLong(1, folderId);
            ps.setInt(2, epoch);
            List<MessageFingerprint> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MessageFingerprint(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read copied messages", e);
        }
    }

    // ---------------------------------------------------------------- recording

    @Override
    public Recorder recorder() throws StoreException {
        try {
            return new JdbcRecorder(connect());
        } catch (SQLException e) {
            throw fail("open a recorder", e);
        }
    }

    private static final class JdbcRecorder implements Recorder {
        private final Connection c;
        private final PreparedStatement upsert;
        private final PreparedStatement unjournal;
        private final PreparedStatement flags;
        private int pending;

        JdbcRecorder(Connection c) throws SQLException {
            this.c = c;
            this.upsert = c.prepareStatement("MERGE INTO message_map (folder_id, uidvalidity, uid, status, target_id, size,"
                    + " internal_date, message_id, flags, epoch, reason) KEY (folder_id, uidvalidity, uid)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            this.unjournal = c.prepareStatement("DELETE FROM journal WHERE folder_id = ? AND uidvalidity = ? AND uid = ?");
            this.flags = c.prepareStatement("UPDATE message_map SET flags = ? WHERE folder_id = ? AND uidvalidity = ?"
                    + " AND uid = ?");
        }

        private void upsertMessage(long folderId, long uidValidity, MessageInfo m, String status, String targetId,
                int epoch, String reason) throws StoreException {
            try {
                upsert.setLong(1, folderId);
                upsert.setLong(2, uidValidity);
                upsert.setLong(3, m.uid());
                upsert.setString(4, status);
                if (targetId == null) {
                    upsert.setNull(5, Types.VARCHAR);
                } else {
                    upsert.setString(5, targetId);
                }
                upsert.setLong(6, m.size());
                upsert.setLong(7, m.internalDate().getEpochSecond());
                upsert.setString(8, truncate(m.messageId(), 2000));
                upsert.setString(9, m.flags().toString());
                upsert.setInt(10, epoch);
                upsert.setString(11, truncate(reason, 4000));
                upsert.executeUpdate();
                unjournal(folderId, uidValidity, m.uid());
            } catch (SQLException e) {
                throw fail("record a message", e);
            }
        }

        @Override
        public void copied(long folderId, long uidValidity, MessageInfo message, String targetId, int epoch)
                throws StoreException {
            upsertMessage(folderId, uidValidity, message, COPIED, targetId, epoch, null);
        }

        @Override
        public void failed(long folderId, long uidValidity, MessageInfo message, String reason) throws StoreException {
            upsertMessage(folderId, uidValidity, message, FAILED, null, 0, reason);
        }

        @Override
        public void skipped(long folderId, long uidValidity, MessageInfo message, String reason) throws StoreException {
            upsertMessage(folderId, uidValidity, message, SKIPPED, null, 0, reason);
        }

        @Override
        public void flagsSynced(long folderId, long uidValidity, long uid, String newFlags) throws StoreException {
            try {
                flags.setString(1, newFlags);
                flags.setLong(2, folderId);
                flags.setLong(3, uidValidity);
                flags.setLong(4, uid);
                flags.executeUpdate();
                pending++;
            } catch (SQLException e) {
                throw fail("record synced flags", e);
            }
        }

        @Override
        public void unjournal(long folderId, long uidValidity, long uid) throws StoreException {
            try {
                unjournal.setLong(1, folderId);
                unjournal.setLong(2, uidValidity);
                unjournal.setLong(3, uid);
                unjournal.executeUpdate();
                pending++;
            } catch (SQLException e) {
                throw fail("clear a journal entry", e);
            }
        }

        @Override
        public int pending() {
            return pending;
        }

        @Override
        public void commit() throws StoreException {
            try {
                c.commit();
                pending = 0;
            } catch (SQLException e) {
                throw fail("commit recorded messages", e);
            }
        }

        @Override
        public void rollback() {
            try {
                c.rollback();
            } catch (SQLException e) {
                // the connection is going away anyway; uncommitted work is lost either way
            }
            pending = 0;
        }

        @Override
        public void close() {
            rollback();
            closeQuietly(upsert, unjournal, flags, c);
        }
    }

    // ---------------------------------------------------------------- reports

    private static final String FOLDER_STATUS_SQL = "SELECT f.email, f.source_path, f.target_path, f.note,"
            + " COALESCE(SUM(CASE WHEN m.status = 'C' THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN m.status = 'S' THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN m.status = 'F' THEN 1 ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN m.status IN ('C', 'V') THEN m.size ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN m.status = 'V' THEN 1 ELSE 0 END), 0)"
            + " FROM folder_state f LEFT JOIN message_map m ON m.folder_id = f.id AND m.uidvalidity = f.uidvalidity"
            + " WHERE %s GROUP BY f.id, f.email, f.source_path, f.target_path, f.note ORDER BY f.id";

    @Override
    public List<FolderStatus> folderStatuses(String email) throws StoreException {
        return queryFolderStatuses(String.format(FOLDER_STATUS_SQL, "f.email = ?"), key(email));
    }

    @Override
    public FolderStatus folderStatus(long folderId) throws StoreException {
        return queryFolderStatuses(String.format(FOLDER_STATUS_SQL, "f.id = ?"), folderId).get(0);
    }

    private List<FolderStatus> queryFolderStatuses(String sql, Object arg) throws StoreException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            List<FolderStatus> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new FolderStatus(rs.getString(1), Codecs.decodePath(rs.getString(2)),
                            Codecs.decodePath(rs.getString(3)), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                            rs.getLong(9), rs.getString(4)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("read folder status", e);
        }
    }

    @Override
    public void forEachProblem(String email, ProblemConsumer consumer) throws StoreException {
        String sql = "SELECT f.source_path, m.uid, m.message_id, m.size, m.internal_date, m.status, m.reason"
                + " FROM message_map m JOIN folder_state f ON f.id = m.folder_id AND m.uidvalidity = f.uidvalidity"
                + " WHERE f.email = ? AND m.status IN ('S', 'F') ORDER BY f.id, m.uid";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key(email));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    consumer.accept(Codecs.decodePath(rs.getString(1)), rs.getLong(2), rs.getString(3), rs.getLong(4),
                            Instant.ofEpochSecond(rs.getLong(5)), rs.getString(6), rs.getString(7));
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("list skipped and failed messages of " + email, e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void update(String what, String sql, Object... args) throws StoreException {
        try (Connection c = connect()) {
            exec(c, sql, args);
            c.commit();
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    private static long exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeLargeUpdate();
        }
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing after the work is done or abandoned; nothing left to save
            }
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
