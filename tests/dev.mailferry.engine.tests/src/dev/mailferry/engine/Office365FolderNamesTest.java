package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Source folder names Exchange Online cannot take as they are (a top-level "Notes" beside Exchange's own notes folder,
 * names differing only in case, white space at the ends) land in predictable folders, each with a note saying why,
 * and their messages with them; against the stand-ins, whose Graph refuses such names as Exchange does.
 */
class Office365FolderNamesTest extends Office365TestBase {


    @Test
    void namesExchangeRefusesAreMappedPredictablyAndNoted() throws Exception {
        startWithOffice365Target(1, CorpusSpec.small(28, 10), servers -> servers);
        DemoEnvironmentUser u = demo.users().get(0);
        List<String> names = List.of("Notes", "Calendar", "Work", "work", " Spaced ");
        try (ImapProbe source = sourceProbe(u)) {
            for (String name : names) {
                Folder folder = source.folder(FolderPath.of(name));
                assertTrue(folder.create(Folder.HOLDS_MESSAGES), name);
                source.append(FolderPath.of(name), ("Message-ID: <" + name.strip() + "@example.org>\r\nSubject: in "
                        + name + "\r\nFrom: x@example.org\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII),
                        new Date(1_700_000_000_000L), new Flags());
            }
        }
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());

        BatchRunResult result = engine.sync(project, "all", secrets, null);

        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state(), result.toString());
        Map<String, FolderStatus> bySource = new HashMap<>();
        for (FolderStatus f : project.folderStatus(u.emailAddress())) {
            bySource.put(f.source().toString(), f);
        }
        assertEquals("Notes (mail)", bySource.get("Notes").target().toString());
        assertEquals("Calendar (mail)", bySource.get("Calendar").target().toString());
        assertEquals("Spaced", bySource.get(" Spaced ").target().toString());
        String work = bySource.get("Work").target().toString();
        String lowerWork = bySource.get("work").target().toString();
        assertTrue(work.equals("Work") && lowerWork.equals("work (2)") || work.equals("Work (2)") && lowerWork.equals(
                "work"), "one of them keeps its name, the other gets a number: " + work + ", " + lowerWork);
        assertEquals("the target cannot hold the name Notes; stored as Notes (mail)", bySource.get("Notes").note());
        assertEquals("the target cannot hold the name  Spaced ; stored as Spaced", bySource.get(" Spaced ").note());
        String numbered = bySource.get("Work").target().name().endsWith(" (2)") ? "Work" : "work";
        assertTrue(bySource.get(numbered).note().endsWith(" is another folder's on the target; stored as "
                + bySource.get(numbered).target()), bySource.get(numbered).note());
        for (String name : names) {
            assertEquals(1, bySource.get(name).copied(), name);
        }
        Set<String> throughGraph = standIn.foldersCreatedThroughGraph(u.targetUserName());
        try (ImapProbe target = targetProbe(u)) {
            Map<FolderPath, List<String>> snapshot = target.snapshot();
            for (String name : names) {
                FolderPath folder = bySource.get(name).target();
                assertEquals(1, snapshot.get(folder).size(), folder + " holds its message");
                assertTrue(throughGraph.contains(folder.join('/')), folder + " created through Graph");
            }
        }
    }
}
