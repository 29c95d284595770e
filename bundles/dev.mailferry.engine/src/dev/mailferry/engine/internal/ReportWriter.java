package dev.mailferry.engine.internal;

import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.ReportFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes a batch's CSV reports: UTF-8 with a byte order mark and Excel's dialect, so a double click opens them with
 * accents intact. Text that a spreadsheet would run as a formula (a folder named {@code =2+3}, a reason starting with
 * {@code -}) is written as text: quoted, behind a single quote (OWASP's advice against CSV injection).
 */
public final class ReportWriter {

    private static final String[] SUMMARY_HEADER = {"Mailbox", "Source folder", "Target folder", "State", "Copied",
        "Skipped", "Failed", "Gone from source", "Bytes copied", "MB copied", "Last pass duration (s)", "Last pass throttled (s)", "Last pass copied",
        "On target (read back)", "Note or last error"};
    private static final String[] DETAIL_HEADER = {"Mailbox", "Source folder", "UID", "Message-ID", "Size (bytes)",
        "Internal date (UTC)", "Outcome", "Reason"};

    private final ProjectStore store;

    public ReportWriter(ProjectStore store) {
        this.store = store;
    }

    public ReportFiles write(BatchInfo batch, Path folder) throws IOException, StoreException {
        Files.createDirectories(folder);
        String base = safeFileName(batch.name());
        Path summary = folder.resolve(base + "-summary.csv");
        Path details = folder.resolve(base + "-details.csv");
        writeAtomically(summary, out -> writeSummary(batch, out));
        writeAtomically(details, out -> writeDetails(batch, out));
        return new ReportFiles(summary, details);
    }

    private void writeSummary(BatchInfo batch, CsvOut out) throws IOException, StoreException {
        out.printRecord((Object[]) SUMMARY_HEADER);
        for (MailboxStatus m : store.mailboxStatuses(batch.name())) {
            out.printRecord(m.emailAddress(), "(all folders)", "", m.state(), m.copied(), m.skipped(), m.failed(),
                    m.vanished(), m.bytes(), megabytes(m.bytes()), m.lastPassDuration().toSeconds(), m.lastPassThrottled().toSeconds(), m.lastPassCopied(),
                    "", m.lastError() == null ? "" : m.lastError());
            for (FolderStatus f : store.folderStatuses(m.emailAddress())) {
                out.printRecord(m.emailAddress(), f.source(), f.target(), "", f.copied(), f.skipped(), f.failed(),
                        f.vanished(), f.bytes(), megabytes(f.bytes()), "", "", "",
                        f.readBack() == null ? "" : f.readBack().onTarget(), f.note() == null ? "" : f.note());
            }
        }
    }

    private void writeDetails(BatchInfo batch, CsvOut out) throws IOException, StoreException {
        out.printRecord((Object[]) DETAIL_HEADER);
        for (String email : batch.mailboxes()) {
            store.forEachProblem(email, (folder, uid, messageId, size, date, status, reason) -> {
                try {
                    out.printRecord(email, folder, uid, messageId == null ? "" : messageId, size, date,
                            status == MessageStatus.FAILED ? "failed" : "skipped", reason == null ? "" : reason);
                } catch (IOException e) {
                    throw new StoreException("Cannot write the report: " + e.getMessage(), e);
                }
            });
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024));
    }

    private interface Body {
        void write(CsvOut out) throws IOException, StoreException;
    }

    private static void writeAtomically(Path file, Body body) throws IOException, StoreException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write('\uFEFF');
            body.write(new CsvOut(w));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Records in Excel's dialect: comma separated, CRLF, quoted where needed. */
    private static final class CsvOut {
        private final Writer out;

        CsvOut(Writer out) {
            this.out = out;
        }

        void printRecord(Object... cells) throws IOException {
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(cell(cells[i]));
            }
            out.write("\r\n");
        }
    }

    /**
     * A cell as written: numbers as they are; text quoted when it holds a separator, quote, line break or surrounding
     * space, and text starting with {@code = + - @}, tab or carriage return behind a single quote and quoted, so that a
     * spreadsheet shows it instead of evaluating it.
     */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        String text = value.toString();
        boolean formula = !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0;
        if (formula) {
            text = "'" + text;
        }
        boolean quote = formula || text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0 || !text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' ');
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    static String safeFileName(String name) {
        String s = name.replaceAll("[^\\p{L}\\p{N}._-]+", "_");
        return s.isEmpty() ? "batch" : s;
    }
}
