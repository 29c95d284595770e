package dev.mailferry.core.csv;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the mailbox list in Exchange Online's IMAP migration format: {@code EmailAddress,UserName,Password} with an
 * optional {@code UserRoot}, plus the optional {@code TargetUserName} and {@code TargetPassword} for IMAP targets.
 * Header names are case-insensitive; the file is UTF-8 with or without BOM; fields may be quoted; the separator is a
 * comma or a semicolon (as Excel writes it in many locales), detected from the header. Every bad row becomes a
 * {@link CsvProblem} naming its line and column; the good rows are imported all the same.
 */
public final class MailboxCsvImporter {

    public static final String EMAIL_ADDRESS = "EmailAddress";
    public static final String USER_NAME = "UserName";
    public static final String PASSWORD = "Password";
    public static final String USER_ROOT = "UserRoot";
    public static final String TARGET_USER_NAME = "TargetUserName";
    public static final String TARGET_PASSWORD = "TargetPassword";

    private static final List<String> REQUIRED = List.of(EMAIL_ADDRESS, USER_NAME, PASSWORD);
    private static final List<String> KNOWN = List.of(EMAIL_ADDRESS, USER_NAME, PASSWORD, USER_ROOT, TARGET_USER_NAME,
            TARGET_PASSWORD);
    /** A mailbox list is small; this bound keeps a wrong file (a mailbox export, say) from filling memory. */
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final boolean passwordOptional;

    /** Passwords are required, as Exchange Online requires them. */
    public MailboxCsvImporter() {
        this(false);
    }

    /**
     * @param passwordOptional true when the source endpoint logs in with admin credentials of its own, so rows may
     *                         leave Password empty
     */
    public MailboxCsvImporter(boolean passwordOptional) {
        this.passwordOptional = passwordOptional;
    }

    public CsvImportResult read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB: not a mailbox list");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public CsvImportResult read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException("input is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB: not a mailbox list");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new CsvImportResult(List.of(), List.of(new CsvProblem(lineOfByte(bytes, firstInvalidUtf8(bytes)), null,
                    "the file is not UTF-8 text; save it as \"CSV UTF-8\"")));
        }
        return parse(text);
    }

    public CsvImportResult parse(String text) throws IOException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        LineIndex lines = new LineIndex(text);
        List<ImportedMailbox> mailboxes = new ArrayList<>();
        List<CsvProblem> problems = new ArrayList<>();
        if (text.isBlank()) {
            problems.add(new CsvProblem(1, null, "the file is empty; expected a header line " + String.join(",", REQUIRED)));
            return new CsvImportResult(mailboxes, problems);
        }
        char delimiter = detectDelimiter(text);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(true).setTrim(true).get();
        int headerEnd = endOfLine(text, 0);
        CSVRecord header;
        try (CSVParser parser = CSVParser.parse(new StringReader(text.substring(0, headerEnd)), format)) {
            header = parser.iterator().next();
        } catch (RuntimeException e) {
            problems.add(new CsvProblem(1, null, "unreadable header line: " + e.getMessage()));
            return new CsvImportResult(mailboxes, problems);
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            String known = KNOWN.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst().orElse(null);
            if (known == null) {
                problems.add(new CsvProblem(1, name, "unknown column, ignored (known: " + String.join(", ", KNOWN) + ")"));
            } else if (columns.putIfAbsent(known, i) != null) {
                problems.add(new CsvProblem(1, name, "column appears twice; the first one is used"));
            }
        }
        List<String> missing = REQUIRED.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            problems.add(new CsvProblem(1, null, "header lacks the column(s) " + String.join(", ", missing)
                    + "; expected " + String.join(",", REQUIRED) + " (separator '" + delimiter + "')"));
            return new CsvImportResult(mailboxes, problems);
        }
        Map<String, Integer> firstLineOfAddress = new HashMap<>();
        int offset = headerEnd;
        while (offset < text.length()) {
            // parse from 'offset'; a record Commons CSV cannot read (a stray quote) ends this parser, is reported, and
            // parsing resumes on the line after the one where reading failed
            int baseLine = lines.lineAt(offset) - 1;
            try (CSVParser parser = CSVParser.parse(new StringReader(text.substring(offset)), format)) {
                var records = parser.iterator();
                long consumedLines = 0;
                offset = text.length();
                while (true) {
                    CSVRecord record;
                    try {
                        if (!records.hasNext()) {
                            break;
                        }
                        record = records.next();
                    } catch (RuntimeException e) {
                        int failedAt = baseLine + (int) Math.max(parser.getCurrentLineNumber(), consumedLines + 1);
                        problems.add(new CsvProblem(baseLine + (int) consumedLines + 1, null, "unreadable row (lines "
                                + (baseLine + consumedLines + 1) + "-" + failedAt + "): " + rootMessage(e)));
                        offset = lines.startOfLine(failedAt + 1);
                        break;
                    }
                    consumedLines = parser.getCurrentLineNumber();
                    importRow(lines.lineAt(offset(record, baseLine, lines, text)), new Row(record, columns), firstLineOfAddress,
                            mailboxes, problems);
                }
            }
        }
        return new CsvImportResult(mailboxes, problems);
    }

    private void importRow(int line, Row row, Map<String, Integer> firstLineOfAddress, List<ImportedMailbox> mailboxes,
            List<CsvProblem> problems) {
        String problemColumn = null;
        String reason = null;
        String email = row.get(EMAIL_ADDRESS);
        String userName = row.get(USER_NAME);
        String password = row.get(PASSWORD);
        String key = email == null ? null : email.toLowerCase(Locale.ROOT);
        if (email == null) {
            problemColumn = EMAIL_ADDRESS;
            reason = row.absent(EMAIL_ADDRESS) ? "missing column" : "empty EmailAddress";
        } else if (EmailAddresses.problem(email) != null) {
            problemColumn = EMAIL_ADDRESS;
            reason = "invalid address '" + email + "': " + EmailAddresses.problem(email);
        } else if (firstLineOfAddress.containsKey(key)) {
            problemColumn = EMAIL_ADDRESS;
            reason = "duplicate EmailAddress " + email + ", first on line " + firstLineOfAddress.get(key);
        } else if (userName == null) {
            problemColumn = USER_NAME;
            reason = row.absent(USER_NAME) ? "missing column" : "empty UserName";
        } else if (password == null && !passwordOptional) {
            problemColumn = PASSWORD;
            reason = row.absent(PASSWORD) ? "missing column" : "empty password";
        }
        if (reason != null) {
            problems.add(new CsvProblem(line, problemColumn, reason));
            return;
        }
        firstLineOfAddress.put(key, line);
        MailboxEntry entry = new MailboxEntry(email, userName, row.get(USER_ROOT), row.get(TARGET_USER_NAME));
        mailboxes.add(new ImportedMailbox(line, entry, Secret.of(password), Secret.of(row.get(TARGET_PASSWORD))));
    }

    /** Where the record's first field starts; Commons CSV's position includes the empty lines it skipped. */
    private static int offset(CSVRecord record, int baseLine, LineIndex lines, String text) {
        int position = lines.startOfLine(baseLine + 1) + (int) record.getCharacterPosition();
        while (position < text.length() - 1 && (text.charAt(position) == '\n' || text.charAt(position) == '\r')) {
            position++;
        }
        return position;
    }

    private static int endOfLine(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '\r') {
            i++;
        }
        if (i < text.length() && text.charAt(i) == '\n') {
            i++;
        }
        return i;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The separator is the one of ',' and ';' that occurs most in the first line outside quotes. */
    static char detectDelimiter(String text) {
        int commas = 0;
        int semicolons = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted && c == ',') {
                commas++;
            } else if (!quoted && c == ';') {
                semicolons++;
            }
        }
        return semicolons > commas ? ';' : ',';
    }

    private static int firstInvalidUtf8(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, CharBuffer.allocate(bytes.length), true);
        return result.isError() ? in.position() : 0;
    }

    private static int lineOfByte(byte[] bytes, int index) {
        int line = 1;
        for (int i = 0; i < index && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Values of one record by column name; blank values read as null. */
    private static final class Row {
        private final CSVRecord record;
        private final Map<String, Integer> columns;

        Row(CSVRecord record, Map<String, Integer> columns) {
            this.record = record;
            this.columns = columns;
        }

        boolean absent(String column) {
            Integer index = columns.get(column);
            return index == null || index >= record.size();
        }

        String get(String column) {
            if (absent(column)) {
                return null;
            }
            String value = record.get(columns.get(column));
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    /** Maps character offsets to 1-based line numbers. */
    private static final class LineIndex {
        private final int[] lineStarts;
        private final int textLength;

        LineIndex(String text) {
            textLength = text.length();
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        /** Character offset where 1-based {@code line} starts; the text's length past the last line. */
        int startOfLine(int line) {
            return line - 1 < lineStarts.length ? lineStarts[Math.max(0, line - 1)] : textLength;
        }

        int lineAt(long position) {
            int index = Arrays.binarySearch(lineStarts, (int) position);
            return (index >= 0 ? index : -index - 2) + 1;
        }
    }
}
