package dev.mailferry.engine;

import java.nio.file.Path;

/**
 * The CSV files of a batch report (UTF-8 with byte order mark, comma separated: Excel opens them directly).
 *
 * @param summary one row per mailbox folder and one total row per mailbox: copied, skipped, failed, bytes, duration
 * @param details one row per skipped or failed message: mailbox, folder, UID, Message-ID, size, date, outcome, reason
 */
public record ReportFiles(Path summary, Path details) {
}
