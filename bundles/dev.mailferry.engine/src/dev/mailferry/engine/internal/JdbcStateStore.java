package dev.mailferry.engine.internal;

import static dev.mailferry.engine.internal.MessageStatus.COPIED;
import static dev.mailferry.engine.internal.MessageStatus.FAILED;
import static dev.mailferry.engine.internal.MessageStatus.SKIPPED;
import static dev.mailferry.engine.internal.MessageStatus.TOO_LARGE_FOR_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.VANISHED;
import static dev.mailferry.engine.internal.MessageStatus.DELETED_ON_TARGET;
import static dev.mailferry.engine.internal.MessageStatus.sqlList;

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
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link StateStore} over JDBC on an embedded SQLite database ({@value #FILE_NAME} in the project folder). The SQL is
 * kept to what SQLite and PostgreSQL share (upserts are {@code INSERT ... ON CONFLICT ... DO UPDATE}, pages are
 * {@code LIMIT}); only the schema's id column is SQLite's. The schema is versioned in {@code schema_version}.
 *
 * <p>One connection per database and process, used under a lock: SQLite has one writer at a time anyway, and each
 * statement takes microseconds, so threads queue for the lock instead of for SQLite's file lock (whose busy handler
 * does not run for a read transaction that wants to write). Work that spans calls (a scan, a recorder) is gathered in
 * memory and written in one transaction when committed, as it was invisible to other connections until then anyway.
 * A file lock on {@value #LOCK_FILE_NAME} keeps a second process from opening the project.
 */
public final class JdbcStateStore implements StateStore {

    static final int SCHEMA_VERSION = 6;

    /** The database file in the project folder. */
    public static final String FILE_NAME = "state.db";

    static final String LOCK_FILE_NAME = "state.lock";

    /** Statuses of the messages on the target: copied, also those since gone from the source. */
    private static final String ON_TARGET = sqlList(COPIED, VANISHED);
    /** Statuses the reports count as skipped. */
    private static final String COUNTED_AS_SKIPPED = sqlList(SKIPPED, TOO_LARGE_FOR_TARGET);
    /** Statuses of the messages the next pass tries again. */
    private static final String TRIED_AGAIN = sqlList(FAILED, TOO_LARGE_FOR_TARGET);
    /** Statuses of the messages not on the target (skipped, failed, refused): the detail report lists them. */
    private static final String NOT_COPIED = sqlList(SKIPPED, FAILED, TOO_LARGE_FOR_TARGET);

    /** Databases open in this process, by folder: stores opened twice on one folder share one. */
    private static final Map<Path, Database> OPEN = new HashMap<>();

    private final Database db;
    private final boolean readOnly;
    private boolean closed;

    private JdbcStateStore(Database db) {
        this(db, false);
    }

    private JdbcStateStore(Database db, boolean readOnly) {
        this.db = db;
        this.readOnly = readOnly;
    }

    /**
     * Opens the existing database {@code <folder>/state.db} for reading only, beside a process that may be writing it
     * (a pass running in another terminal): without the process lock, on a connection SQLite opens read-only, so that
     * this store can never write. In write-ahead-log mode a reader sees the last commit and never waits for the
     * writer.
     */
    public static JdbcStateStore openReadOnly(Path folder) throws StoreException {
        Path key = folder.toAbsolutePath().normalize();
        Path file = key.resolve(FILE_NAME);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new StoreException("The project in " + key + " has no state database (" + FILE_NAME + ")", null);
        }
        try {
            SqliteNativeLibrary.prepare();
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            config.setBusyTimeout(10_000);
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl("jdbc:sqlite:" + file);
            Connection connection = source.getConnection();
            connection.setAutoCommit(false);
            JdbcStateStore store = new JdbcStateStore(new Database(key, connection, null, null), true);
            store.checkSchemaForReading();
            return store;
        } catch (SQLException e) {
            throw new StoreException("Could not open the project's state database in " + key + " for reading: "
                    + e.getMessage(), e);
        }
    }

    private void checkSchemaForReading() throws StoreException {
        int version = 0;
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            if (rs.next()) {
                version = rs.getInt(1);
            }
            c.commit();
        } catch (SQLException e) {
            close();
            throw fail("open the state database", e);
        }
        if (version != SCHEMA_VERSION) {
            close();
            throw new StoreException("The project's state database has schema version " + version + ", this Mailferry"
                    + " reads version " + SCHEMA_VERSION + (version > SCHEMA_VERSION ? "; update Mailferry"
                    : "; run a command that changes the project once (e.g. batch start) to upgrade it"), null);
        }
    }

    /**
     * Whether another process has the project open for writing (e.g. runs a pass): a state stored as SYNCING may then
     * be true; otherwise it is what a killed process left behind. False when this process has it open.
     */
    public static boolean isOpenInAnotherProcess(Path folder) {
        Path key = folder.toAbsolutePath().normalize();
        synchronized (OPEN) {
            if (OPEN.containsKey(key)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(key.resolve(LOCK_FILE_NAME), StandardOpenOption.WRITE)) {
                // held for an instant only; a writer starting at that moment tries again (see openDatabase)
                FileLock probe = channel.tryLock();
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (OverlappingFileLockException e) {
                return true;
            } catch (IOException e) {
                return false; // no lock file: never opened for writing
            }
        }
    }

    /** One open database file: its connection, the lock that serialises its use, and the process lock. */
    private static final class Database {
        final Path folder;
        final Connection connection;
        final ReentrantLock lock = new ReentrantLock();
        final FileChannel lockChannel;
        final FileLock fileLock;
        int users = 1;

        Database(Path folder, Connection connection, FileChannel lockChannel, FileLock fileLock) {
            this.folder = folder;
            this.connection = connection;
            this.lockChannel = lockChannel;
            this.fileLock = fileLock;
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // every commit is already in the file; closing only lets SQLite fold its write-ahead log back in
            }
            closeQuietly(fileLock, lockChannel);
        }
    }

    /**
     * Opens (creating when missing) the embedded database {@code <folder>/state.db}.
     *
     * <p>The database runs in write-ahead-log mode: a commit is in the log file (written, not yet synced) when
     * {@code commit()} returns, so a killed process loses nothing it committed. Only two writes must survive a crash of
     * the machine itself before the engine goes on: the journal entries and the target checkpoint, both before the
     * appends they cover; those are followed by a sync of the log ({@link #makeDurable}). Every other write may be lost
     * in such a crash without harm: a lost outcome takes its journal entry's removal with it (same transaction), so
     * recovery finds the message on the target; scans and plans are redone by every pass.
     */
    public static JdbcStateStore openEmbedded(Path folder) throws StoreException {
        Path key = folder.toAbsolutePath().normalize();
        synchronized (OPEN) {
            Database open = OPEN.get(key);
            if (open != null) {
                open.users++;
                return new JdbcStateStore(open);
            }
            Database db = openDatabase(key);
            JdbcStateStore store = new JdbcStateStore(db);
            try {
                store.migrate();
            } catch (StoreException e) {
                db.close();
                throw e;
            }
            OPEN.put(key, db);
            return store;
        }
    }

    private static Database openDatabase(Path folder) throws StoreException {
        FileChannel lockChannel = null;
        try {
            lockChannel = FileChannel.open(folder.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock fileLock = null;
            // a reader checking whether a pass runs holds the lock for an instant (isOpenInAnotherProcess): a few short
            // tries get past it; a writer holds it for the whole pass, and the answer must not wait for that long
            for (int attempt = 0; attempt < 5 && fileLock == null; attempt++) {
                if (attempt > 0) {
                    sleepQuietly(5);
                }
                try {
                    fileLock = lockChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    break; // this process holds it
                }
            }
            if (fileLock == null) {
                throw new StoreException("The project in " + folder + " is open in another Mailferry process (its"
                        + " state database is locked); wait for that process to finish", null);
            }
            SqliteNativeLibrary.prepare();
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(10_000);
            SQLiteDataSource source = new SQLiteDataSource(config);
            source.setUrl("jdbc:sqlite:" + folder.resolve(FILE_NAME));
            Connection connection = source.getConnection();
            connection.setAutoCommit(false);
            return new Database(folder, connection, lockChannel, fileLock);
        } catch (IOException | SQLException e) {
            closeQuietly(lockChannel);
            throw new StoreException("Could not open the project's state database in " + folder + ": " + e.getMessage(),
                    e);
        } catch (StoreException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /**
     * The database's connection, for this thread alone until closed: closing rolls back what was not committed and
     * lets the next thread in.
     */
    private Connection connect() throws SQLException {
        if (closed) {
            throw new SQLException("The state store is closed");
        }
        db.lock.lock();
        Connection real = db.connection;
        InvocationHandler handler = new InvocationHandler() {
            private boolean released;

            @Override
            public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
                if (method.getName().equals("close") && method.getParameterCount() == 0) {
                    if (!released) {
                        released = true;
                        try {
                            real.rollback();
                        } finally {
                            db.lock.unlock();
                        }
                    }
                    return null;
                }
                if (released) {
                    throw new SQLException("The connection was given back");
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(JdbcStateStore.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
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
            if (version < 2) {
                for (String sql : SCHEMA_V2) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (2)");
            }
            if (version < 3) {
                for (String sql : SCHEMA_V3) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (3)");
            }
            if (version < 4) {
                for (String sql : SCHEMA_V4) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (4)");
            }
            if (version < 5) {
                for (String sql : SCHEMA_V5) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (5)");
            }
            if (version < 6) {
                for (String sql : SCHEMA_V6) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (6)");
            }
            c.commit();
        } catch (SQLException e) {
            throw fail("open the state database", e);
        }
    }

    static final String[] SCHEMA_V1 = {
        "CREATE TABLE mailbox (email VARCHAR(320) PRIMARY KEY, source_user VARCHAR(320) NOT NULL, user_root VARCHAR(1000),"
                + " target_user VARCHAR(320))",
        "CREATE TABLE batch (name VARCHAR(200) PRIMARY KEY, state VARCHAR(30) NOT NULL, options VARCHAR(100000) NOT NULL,"
                + " created_at TIMESTAMP NOT NULL, last_sync_start TIMESTAMP, last_sync_end TIMESTAMP, passes INT NOT NULL)",
        "CREATE TABLE batch_mailbox (batch VARCHAR(200) NOT NULL, email VARCHAR(320) NOT NULL, state VARCHAR(20) NOT NULL,"
                + " last_pass_copied BIGINT NOT NULL, last_pass_ms BIGINT NOT NULL, last_error VARCHAR(4000),"
                + " last_sync_end TIMESTAMP, PRIMARY KEY (batch, email))",
        "CREATE TABLE folder_state (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL,"
                + " source_path VARCHAR(4000) NOT NULL, target_path VARCHAR(4000) NOT NULL, uidvalidity BIGINT NOT NULL,"
                + " checkpoint VARCHAR(400), epoch INT NOT NULL, note VARCHAR(4000), UNIQUE (email, source_path))",
        // status: a MessageStatus's letter
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

    /**
     * Version 2: folders remember whether the target's own messages were looked for (folders the engine already wrote
     * to in an older project were: it created them) and from which source folder they were renamed.
     */
    /** Version 3: how long the last pass of a mailbox waited because the target throttled it. */
    private static final String[] SCHEMA_V3 = {
        "ALTER TABLE batch_mailbox ADD COLUMN last_pass_throttled_ms BIGINT NOT NULL DEFAULT 0"
    };

    /** Version 4: what reading the target folder back found after the last complete pass (NULL: not read back). */
    private static final String[] SCHEMA_V4 = {
        "ALTER TABLE folder_state ADD COLUMN on_target BIGINT",
        "ALTER TABLE folder_state ADD COLUMN recorded_on_target BIGINT",
    };

    /** Version 5: the source folder's state when its last complete pass began (NULL: scan it). */
    private static final String[] SCHEMA_V5 = {
        "ALTER TABLE folder_state ADD COLUMN source_state VARCHAR(400)",
    };

    /**
     * Version 6: the message map's totals per folder, UID space and status, kept by triggers as rows change, so that
     * the reports and the pass's checks cost as much as the folders, not as the messages (a pass that copied nothing
     * used to count every row of a large mailbox several times). {@code already}: the message was found on the
     * target, not copied. Flag updates do not touch them. A partial index finds the messages not copied (the detail
     * report) without reading the others.
     */
    static final String[] SCHEMA_V6 = {
        "CREATE TABLE message_totals (folder_id BIGINT NOT NULL, uidvalidity BIGINT NOT NULL, status CHAR(1) NOT NULL,"
                + " already INT NOT NULL, messages BIGINT NOT NULL, bytes BIGINT NOT NULL,"
                + " PRIMARY KEY (folder_id, uidvalidity, status, already)) WITHOUT ROWID",
        "INSERT INTO message_totals (folder_id, uidvalidity, status, already, messages, bytes)"
                + " SELECT folder_id, uidvalidity, status, " + alreadyOnTarget("") + ", COUNT(*), SUM(size)"
                + " FROM message_map GROUP BY 1, 2, 3, 4",
        "CREATE TRIGGER message_totals_insert AFTER INSERT ON message_map BEGIN " + addToTotals("NEW") + " END",
        "CREATE TRIGGER message_totals_delete AFTER DELETE ON message_map BEGIN " + takeFromTotals("OLD") + " END",
        "CREATE TRIGGER message_totals_update AFTER UPDATE OF folder_id, uidvalidity, status, size, reason"
                + " ON message_map BEGIN " + takeFromTotals("OLD") + " " + addToTotals("NEW") + " END",
        "CREATE INDEX message_map_not_copied ON message_map (folder_id, uidvalidity, uid) WHERE status IN " + NOT_COPIED,
    };

    /** 1 when the message map's row {@code row} (NEW, OLD, or "" for the table's own) was found on the target. */
    private static String alreadyOnTarget(String row) {
        String prefix = row.isEmpty() ? "" : row + ".";
        return "(" + prefix + "reason IS '" + ALREADY_ON_TARGET + "')";
    }

    private static String addToTotals(String row) {
        return "INSERT INTO message_totals (folder_id, uidvalidity, status, already, messages, bytes) VALUES (" + row
                + ".folder_id, " + row + ".uidvalidity, " + row + ".status, " + alreadyOnTarget(row) + ", 1, " + row
                + ".size) ON CONFLICT (folder_id, uidvalidity, status, already) DO UPDATE SET messages = messages + 1,"
                + " bytes = bytes + excluded.bytes;";
    }

    private static String takeFromTotals(String row) {
        return "UPDATE message_totals SET messages = messages - 1, bytes = bytes - " + row + ".size WHERE folder_id = "
                + row + ".folder_id AND uidvalidity = " + row + ".uidvalidity AND status = " + row + ".status"
                + " AND already = " + alreadyOnTarget(row) + ";";
    }

    private static final String[] SCHEMA_V2 = {
        "ALTER TABLE folder_state ADD COLUMN presence_checked INT NOT NULL DEFAULT 0",
        "UPDATE folder_state SET presence_checked = 1 WHERE epoch > 0",
        "ALTER TABLE folder_state ADD COLUMN renamed_from VARCHAR(4000)",
    };

    /**
     * Syncs every commit so far to the disk (see {@link #openEmbedded}): they are all in the write-ahead log, which SQLite
     * itself syncs only when it folds the log back into the database.
     */
    private void makeDurable() throws SQLException {
        Path log = db.folder.resolve(FILE_NAME + "-wal");
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            channel.force(false);
        } catch (java.nio.file.NoSuchFileException e) {
            // no log: every commit is already in the database file, which SQLite synced when it folded the log in
        } catch (IOException e) {
            throw new SQLException("Could not sync " + log + ": " + e.getMessage(), e);
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
            makeDurable();
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
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, batch);
            List<MailboxStatus> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new MailboxStatus(rs.getString(1), MailboxState.valueOf(rs.getString(2)), rs.getLong(7),
                            rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(3),
                            Duration.ofMillis(rs.getLong(4)), Duration.ofMillis(rs.getLong(12)), rs.getString(5),
                            instant(rs.getTimestamp(6))));
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
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key(email));
            java.util.Set<Long> ids = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            c.commit();
            return ids;
        } catch (SQLException e) {
            throw fail("find the folders with messages to try again", e);
        }
    }

    @Override
    public Map<FolderPath, Long> recordedOnTarget(String email) throws StoreException {
        String sql = "SELECT f.target_path, SUM(t.messages) FROM folder_state f JOIN message_totals t"
                + " ON t.folder_id = f.id WHERE f.email = ? AND t.status IN " + ON_TARGET + " GROUP BY f.target_path";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key(email));
            Map<FolderPath, Long> counts = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(Codecs.decodePath(rs.getString(1)), rs.getLong(2));
                }
            }
            c.commit();
            return counts;
        } catch (SQLException e) {
            throw fail("count the messages recorded on the target for " + email, e);
        }
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
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT m.target_id FROM message_map m"
                + " JOIN folder_state f ON f.id = m.folder_id WHERE f.email = ? AND f.target_path = ?"
                + " AND m.status IN " + ON_TARGET + " AND m.target_id IS NOT NULL")) {
            ps.setString(1, key(email));
            ps.setString(2, Codecs.encodePath(target));
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            c.commit();
            return ids;
        } catch (SQLException e) {
            throw fail("read the target ids of copied messages", e);
        }
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
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT uidvalidity, uid, target_id"
                + " FROM message_map WHERE folder_id = ? AND status = " + VANISHED.sql() + " AND target_id IS NOT NULL"
                + " AND (uidvalidity > ? OR uidvalidity = ? AND uid > ?) ORDER BY uidvalidity, uid LIMIT ?")) {
            ps.setLong(1, folderId);
            ps.setLong(2, afterValidity);
            ps.setLong(3, afterValidity);
            ps.setLong(4, afterUid);
            ps.setInt(5, limit);
            List<VanishedCopy> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new VanishedCopy(rs.getLong(1), rs.getLong(2), rs.getString(3)));
                }
            }
            c.commit();
            return list;
        } catch (SQLException e) {
            throw fail("list vanished messages", e);
        }
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
                + " folder_state f ON f.id = m.folder_id WHERE m.target_id = ? AND f.email = ? AND m.status IN " + ON_TARGET)) {
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
                + " FROM message_map WHERE folder_id = ? AND epoch = ? AND target_id IS NULL AND status IN " + ON_TARGET)) {
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

    // ---------------------------------------------------------------- reports

    private static final String FOLDER_STATUS_SQL = "SELECT f.email, f.source_path, f.target_path, f.note,"
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
            parts.add(alreadyOnTarget + (alreadyOnTarget == 1 ? " message was" : " messages were") + " " + ALREADY_ON_TARGET
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

    /**
     * Where the totals kept by triggers differ from the message map counted row by row (one line each; empty when they
     * agree): a self-check for tests, which run it after every kind of pass; it reads every row.
     */
    public List<String> totalsDisagreeing() throws StoreException {
        String counted = "SELECT folder_id, uidvalidity, status, " + alreadyOnTarget("") + " AS already, COUNT(*) AS messages,"
                + " SUM(size) AS bytes FROM message_map GROUP BY 1, 2, 3, 4";
        String kept = "SELECT folder_id, uidvalidity, status, already, messages, bytes FROM message_totals"
                + " WHERE messages <> 0 OR bytes <> 0";
        String sql = "SELECT 'counted', * FROM (" + counted + " EXCEPT " + kept + ") UNION ALL SELECT 'kept', * FROM ("
                + kept + " EXCEPT " + counted + ")";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> lines = new ArrayList<>();
            while (rs.next()) {
                lines.add(rs.getString(1) + ": folder " + rs.getLong(2) + ", UIDVALIDITY " + rs.getLong(3) + ", status "
                        + rs.getString(4) + ", already " + rs.getInt(5) + ": " + rs.getLong(6) + " messages, "
                        + rs.getLong(7) + " bytes");
            }
            c.commit();
            return lines;
        } catch (SQLException e) {
            throw fail("compare the message totals with the message map", e);
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
            return ps.executeUpdate();
        }
    }

    /** Binds a message's size, internal date, Message-ID and flags, the columns every message table has, from {@code first}. */
    private static void bindMessage(PreparedStatement ps, int first, MessageInfo m) throws SQLException {
        ps.setLong(first, m.size());
        ps.setLong(first + 1, m.internalDate().getEpochSecond());
        ps.setString(first + 2, truncate(m.messageId(), 2000));
        ps.setString(first + 3, m.flags().toString());
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        synchronized (OPEN) {
            if (closed) {
                return;
            }
            closed = true;
            if (readOnly) {
                db.close(); // a reader's own connection, never shared
            } else if (--db.users == 0) {
                OPEN.remove(db.folder);
                db.lock.lock();
                try {
                    db.close();
                } finally {
                    db.lock.unlock();
                }
            }
        }
    }
}
