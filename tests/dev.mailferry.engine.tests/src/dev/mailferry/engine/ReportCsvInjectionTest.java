package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folder names that a spreadsheet would run as formulas reach the report CSVs as text. */
class ReportCsvInjectionTest extends DovecotTestBase {

    private static final List<String> FORMULAS = List.of("=2+3", "@SUM(1)", "+1", "-1");

    @Test
    void folderNamesStartingAFormulaAreWrittenAsTextInSummaryAndDetails() throws Exception {
        start(1, CorpusSpec.small(3, 10));
        DemoEnvironmentUser alice = demo.users().get(0);
        try (ImapProbe source = sourceProbe(alice)) {
            for (String name : FORMULAS) {
                Folder folder = source.folder(FolderPath.of(name));
                folder.create(Folder.HOLDS_MESSAGES);
                source.append(FolderPath.of(name), message(name, 100), new Date(1_700_000_000_000L), new Flags());
                source.append(FolderPath.of(name), message(name, 5_000), new Date(1_700_000_001_000L), new Flags());
            }
        }
        project.createBatch("formulas", List.of(), BatchOptions.defaults().withMaxMessageSize(2_000));
        engineService().sync(project, "formulas", secrets, null);
        ReportFiles report = project.writeReport("formulas");

        List<String> summary = Files.readAllLines(report.summary(), StandardCharsets.UTF_8);
        List<String> details = Files.readAllLines(report.details(), StandardCharsets.UTF_8);
        for (String name : FORMULAS) {
            String asText = "\"'" + name + "\"";
            assertEquals(FolderPath.of(name), project.folderStatus(alice.emailAddress()).stream()
                    .filter(f -> f.source().equals(FolderPath.of(name))).findFirst().orElseThrow().target());
            String row = alice.emailAddress() + "," + asText + ",";
            List<String> summaryRows = summary.stream().filter(l -> l.startsWith(row)).toList();
            assertEquals(1, summaryRows.size(), name + " in\n" + String.join("\n", summary));
            assertTrue(summaryRows.get(0).startsWith(row + asText + ",,1,1,0,0,"), summaryRows.get(0));
            List<String> detailRows = details.stream().filter(l -> l.startsWith(row)).toList();
            assertEquals(1, detailRows.size(), name + " in\n" + String.join("\n", details));
            assertTrue(detailRows.get(0).startsWith(row + "2,<" + name + "-5000@example.org>,5000,"), detailRows.get(0));
        }
    }

    private static byte[] message(String folder, int size) {
        String head = "Message-ID: <" + folder + "-" + size + "@example.org>\r\nSubject: " + folder
                + "\r\nFrom: x@example.org\r\n\r\n";
        return (head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
