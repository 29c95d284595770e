package dev.mailferry.core.csv;

import java.util.List;

/** What a mailbox CSV import produced: the good rows, and one problem per bad row (or for a bad header). */
public record CsvImportResult(List<ImportedMailbox> mailboxes, List<CsvProblem> problems) {

    public CsvImportResult {
        mailboxes = List.copyOf(mailboxes);
        problems = List.copyOf(problems);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }
}
