package dev.mailferry.engine.internal;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link StateStore} over JDBC on an embedded SQLite database ({@value #FILE_NAME} in the project folder): opening it,
 * its one connection, and its two parts, {@link JdbcProjectStore} and {@link JdbcSyncStore}; the schema is
 * {@link StateSchema}'s. The queries are kept to what SQLite and PostgreSQL share (upserts are
 * {@code INSERT ... ON CONFLICT ... DO UPDATE}, pages are {@code LIMIT}); the schema's id column and the triggers that
 * keep the message totals are SQLite's.
 *
 * <p>One connection per database and process, used under a lock: SQLite has one writer at a time anyway, and each
 * statement takes microseconds, so threads queue for the lock instead of for SQLite's file lock (whose busy handler
 * does not run for a read transaction that wants to write). Work that spans calls (a scan, a recorder) is gathered in
 * memory and written in one transaction when committed, as it was invisible to other connections until then anyway.
 * A file lock on {@value #LOCK_FILE_NAME} keeps a second process from opening the project.
 */
public final class JdbcStateStore implements StateStore {

    /** The database file in the project folder. */
    public static final String FILE_NAME = "state.db";

    static final String LOCK_FILE_NAME = "state.lock";

    /** Databases open in this process, by folder: stores opened twice on one folder share one. */
    private static final Map<Path, Database> OPEN = new HashMap<>();

    private final Database db;
    private final boolean readOnly;
    private boolean closed;
    private final JdbcProjectStore projectStore = new JdbcProjectStore(this);
    private final JdbcSyncStore syncStore = new JdbcSyncStore(this);

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
            throw JdbcTables.fail("open the state database", e);
        }
        if (version != StateSchema.VERSION) {
            close();
            throw new StoreException("The project's state database has schema version " + version + ", this Mailferry"
                    + " reads version " + StateSchema.VERSION + (version > StateSchema.VERSION ? "; update Mailferry"
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
            try (Connection c = store.connect()) {
                StateSchema.upgrade(c);
            } catch (SQLException e) {
                db.close();
                throw JdbcTables.fail("open the state database", e);
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
    Connection connect() throws SQLException {
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

    /**
     * Syncs every commit so far to the disk (see {@link #openEmbedded}): they are all in the write-ahead log, which SQLite
     * itself syncs only when it folds the log back into the database.
     */
    void makeDurable() throws SQLException {
        Path log = db.folder.resolve(FILE_NAME + "-wal");
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            channel.force(false);
        } catch (java.nio.file.NoSuchFileException e) {
            // no log: every commit is already in the database file, which SQLite synced when it folded the log in
        } catch (IOException e) {
            throw new SQLException("Could not sync " + log + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the totals kept by triggers differ from the message map counted row by row (one line each; empty when they
     * agree): a self-check for tests, which run it after every kind of pass; it reads every row.
     */
    public List<String> totalsDisagreeing() throws StoreException {
        String counted = "SELECT folder_id, uidvalidity, status, " + StateSchema.alreadyOnTarget("") + " AS already, COUNT(*) AS messages,"
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
            throw JdbcTables.fail("compare the message totals with the message map", e);
        }
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
    public ProjectStore project() {
        return projectStore;
    }

    @Override
    public SyncStore sync() {
        return syncStore;
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
