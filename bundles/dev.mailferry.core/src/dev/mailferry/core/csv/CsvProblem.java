package dev.mailferry.core.csv;

/**
 * A row (or the header) of a mailbox CSV that could not be imported.
 *
 * @param line   1-based line number in the file (the header is line 1)
 * @param column the column concerned, as named in the header, or null when the problem is the whole row
 * @param reason why, for people
 */
public record CsvProblem(int line, String column, String reason) {

    @Override
    public String toString() {
        return column == null ? "line " + line + ": " + reason : "line " + line + ", column " + column + ": " + reason;
    }
}
