package dev.mailferry.core.csv;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the mailbox list in Exchange Online's IMAP migration format: {@code EmailAddress,UserName,Password} with an
 * optional {@code UserRoot}, plus the optional {@code TargetUserName} and {@code TargetPassword} for IMAP targets.
 * Header names are case-insensitive (and may be written {@code Email Address}); the file is UTF-8 with or without BOM;
 * values may be quoted; the separator is a comma, a semicolon (as Excel writes it in many locales) or a tab, detected
 * from the header. One line is one row, so a damaged line never takes the next ones with it. Every bad row becomes a
 * {@link CsvProblem} naming its line and column; the good rows are imported all the same. Blank lines and rows of
 * empty cells are ignored.
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

    public CsvImportResult parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = lines(text);
        List<ImportedMailbox> mailboxes = new ArrayList<>();
        List<CsvProblem> problems = new ArrayList<>();
        int headerIndex = 0;
        while (headerIndex < lines.size() && lines.get(headerIndex).isBlank()) {
            headerIndex++;
        }
        if (headerIndex == lines.size()) {
            problems.add(new CsvProblem(1, null, "the file is empty; expected a header line " + String.join(",", required())));
            return new CsvImportResult(mailboxes, problems);
        }
        int headerLine = headerIndex + 1;
        char delimiter = detectDelimiter(lines.get(headerIndex));
        List<Field> header;
        try {
            header = split(lines.get(headerIndex), delimiter);
        } catch (SyntaxError e) {
            problems.add(new CsvProblem(headerLine, null, "unreadable header line: " + e.getMessage()));
            return new CsvImportResult(mailboxes, problems);
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).value().strip();
            String known = KNOWN.stream().filter(k -> k.equalsIgnoreCase(name.replaceAll("[ _-]", ""))).findFirst().orElse(null);
            names.add(known != null ? known : name);
            if (name.isEmpty()) {
                continue; // spreadsheets write empty header cells after the last column; a value under one is reported
            }
            if (known == null) {
                problems.add(new CsvProblem(headerLine, name, "unknown column, ignored (known: " + String.join(", ", KNOWN) + ")"));
            } else if (columns.putIfAbsent(known, i) != null) {
                problems.add(new CsvProblem(headerLine, name, "column appears twice; the first one is used"));
            }
        }
        List<String> missing = required().stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            for (String column : missing) {
                problems.add(new CsvProblem(headerLine, column, "missing from the header line; expected "
                        + String.join(String.valueOf(delimiter), required()) + " (separator " + name(delimiter) + ")"
                        + (PASSWORD.equals(column) ? passwordHint() : "")));
            }
            return new CsvImportResult(mailboxes, problems);
        }
        Map<String, Integer> firstLineOfAddress = new HashMap<>();
        int rows = 0;
        for (int index = headerIndex + 1; index < lines.size(); index++) {
            String content = lines.get(index);
            int line = index + 1;
            if (content.isBlank()) {
                continue;
            }
            List<Field> fields;
            try {
                fields = split(content, delimiter);
            } catch (SyntaxError e) {
                rows++;
                problems.add(new CsvProblem(line, columnName(names, e.field), e.getMessage() + "; the row is skipped"));
                continue;
            }
            if (fields.stream().allMatch(f -> f.value().isBlank())) {
                continue; // a row of empty cells, as spreadsheets write for formatted but empty rows
            }
            rows++;
            String surplus = surplus(fields, names, delimiter);
            if (surplus != null) {
                problems.add(new CsvProblem(line, null, surplus));
                continue;
            }
            importRow(line, new Row(fields, columns), firstLineOfAddress, mailboxes, problems);
        }
        if (rows == 0) {
            problems.add(new CsvProblem(headerLine + 1, null, "no mailbox rows after the header line"));
        }
        return new CsvImportResult(mailboxes, problems);
    }

    private List<String> required() {
        return passwordOptional ? List.of(EMAIL_ADDRESS, USER_NAME) : REQUIRED;
    }

    private static String passwordHint() {
        return "; rows may leave out passwords only when the source endpoint logs in with an admin (master) user and"
                + " password of its own";
    }

    private static String columnName(List<String> names, int field) {
        if (field < names.size() && !names.get(field).isEmpty()) {
            return names.get(field);
        }
        return "#" + (field + 1);
    }

    /** Why a row's values beyond the header's columns make it unusable, or null when there are none with content. */
    private static String surplus(List<Field> fields, List<String> names, char delimiter) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).value().isBlank() || i < names.size() && !names.get(i).isEmpty()) {
                continue;
            }
            // most likely an unquoted separator inside a value: the values after it sit in the wrong columns
            return fields.size() > names.size()
                    ? fields.size() + " values, but the header line has " + names.size() + " columns (a " + name(delimiter)
                            + " inside a value needs the value in double quotes); the row is skipped"
                    : "value '" + fields.get(i).value().strip() + "' in column #" + (i + 1)
                            + ", which has no name in the header line; the row is skipped";
        }
        return null;
    }

    private void importRow(int line, Row row, Map<String, Integer> firstLineOfAddress, List<ImportedMailbox> mailboxes,
            List<CsvProblem> problems) {
        String problemColumn = null;
        String reason = null;
        String email = row.get(EMAIL_ADDRESS);
        String userName = row.get(USER_NAME);
        String password = row.secret(PASSWORD);
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
            reason = (row.absent(PASSWORD) ? "missing column" : "empty password") + passwordHint();
        }
        if (reason != null) {
            problems.add(new CsvProblem(line, problemColumn, reason));
            return;
        }
        firstLineOfAddress.put(key, line);
        MailboxEntry entry = new MailboxEntry(email, userName, row.get(USER_ROOT), row.get(TARGET_USER_NAME));
        mailboxes.add(new ImportedMailbox(line, entry, Secret.of(password), Secret.of(row.secret(TARGET_PASSWORD))));
    }

    /** The file's lines, split at LF, CRLF or a lone CR; a final line break does not start another line. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    /** One value: its text (quotes removed, unquoted text trimmed) and whether it was quoted. */
    private record Field(String value, boolean quoted) {
    }

    /** A line that cannot be split into values; {@code field} is the 0-based value where reading failed. */
    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int field;

        SyntaxError(int field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /**
     * Splits one line into values, RFC 4180 style: a value in double quotes may hold the separator and doubled quotes;
     * a quote inside an unquoted value is an ordinary character. A row is one line (mailbox lists hold no line breaks
     * in values), so a quote left open fails this line alone and cannot swallow the rows after it.
     */
    private static List<Field> split(String line, char delimiter) throws SyntaxError {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        while (true) {
            int start = i;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i < line.length() && line.charAt(i) == '"') {
                int open = i;
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    int quote = line.indexOf('"', i);
                    if (quote < 0) {
                        throw new SyntaxError(fields.size(), "unterminated quote: the value opened with '\"' at character "
                                + (open + 1) + " has no closing '\"' on this line");
                    }
                    value.append(line, i, quote);
                    if (quote + 1 < line.length() && line.charAt(quote + 1) == '"') {
                        value.append('"');
                        i = quote + 2;
                    } else {
                        i = quote + 1;
                        break;
                    }
                }
                while (i < line.length() && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new SyntaxError(fields.size(), "text after the closing quote at character " + (i + 1)
                            + " (a '\"' inside a quoted value must be doubled: \"\")");
                }
                fields.add(new Field(value.toString(), true));
            } else {
                int end = line.indexOf(delimiter, start);
                end = end < 0 ? line.length() : end;
                fields.add(new Field(line.substring(start, end).strip(), false));
                i = end;
            }
            if (i >= line.length()) {
                return fields;
            }
            i++; // the delimiter
            if (i == line.length()) {
                fields.add(new Field("", false));
                return fields;
            }
        }
    }

    private static String name(char delimiter) {
        return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
    }

    /** The separator is the one of ',', ';' and tab that occurs most in the header line outside quotes. */
    static char detectDelimiter(String headerLine) {
        int commas = 0;
        int semicolons = 0;
        int tabs = 0;
        boolean quoted = false;
        for (int i = 0; i < headerLine.length(); i++) {
            char c = headerLine.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ',') {
                commas++;
            } else if (!quoted && c == ';') {
                semicolons++;
            } else if (!quoted && c == '\t') {
                tabs++;
            }
        }
        if (tabs > commas && tabs > semicolons) {
            return '\t';
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

    /** Values of one row by column name; blank values read as null. */
    private static final class Row {
        private final List<Field> fields;
        private final Map<String, Integer> columns;

        Row(List<Field> fields, Map<String, Integer> columns) {
            this.fields = fields;
            this.columns = columns;
        }

        boolean absent(String column) {
            Integer index = columns.get(column);
            return index == null || index >= fields.size();
        }

        String get(String column) {
            if (absent(column)) {
                return null;
            }
            String value = fields.get(columns.get(column)).value();
            return value.isBlank() ? null : value.strip();
        }

        /** A password as written: spaces around an unquoted one are the file's, inside quotes they are the password's. */
        String secret(String column) {
            if (absent(column)) {
                return null;
            }
            Field field = fields.get(columns.get(column));
            return field.value().isBlank() ? null : field.quoted() ? field.value() : field.value().strip();
        }
    }
}
