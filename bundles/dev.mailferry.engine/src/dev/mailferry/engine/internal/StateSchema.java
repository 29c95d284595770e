package dev.mailferry.engine.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The state database's schema, version by version, and the upgrade from any earlier version: {@code schema_version}
 * holds the versions applied. A change of the schema is a new version here, never an edit of an old one.
 */
final class StateSchema {

    static final int VERSION = 6;

    private StateSchema() {
    }

    /** Brings the database on {@code c} to {@link #VERSION}, from any earlier version; commits. */
    static void upgrade(Connection c) throws SQLException, StoreException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > VERSION) {
                throw new StoreException("The project's state database has schema version " + version
                        + ", newer than this Mailferry understands (" + VERSION + "); update Mailferry", null);
            }
            String[][] versions = versions();
            for (int v = version + 1; v <= VERSION; v++) {
                for (String sql : versions[v - 1]) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version) VALUES (" + v + ")");
            }
            c.commit();
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
    private static final String[] SCHEMA_V2 = {
        "ALTER TABLE folder_state ADD COLUMN presence_checked INT NOT NULL DEFAULT 0",
        "UPDATE folder_state SET presence_checked = 1 WHERE epoch > 0",
        "ALTER TABLE folder_state ADD COLUMN renamed_from VARCHAR(4000)",
    };

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
        "CREATE INDEX message_map_not_copied ON message_map (folder_id, uidvalidity, uid) WHERE status IN " + JdbcTables.NOT_COPIED,
    };

    /** 1 when the message map's row {@code row} (NEW, OLD, or "" for the table's own) was found on the target. */
    static String alreadyOnTarget(String row) {
        String prefix = row.isEmpty() ? "" : row + ".";
        return "(" + prefix + "reason IS '" + SyncStore.ALREADY_ON_TARGET + "')";
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

    /** The statements of each version, from version 1. */
    private static String[][] versions() {
        return new String[][] {SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6};
    }
}
