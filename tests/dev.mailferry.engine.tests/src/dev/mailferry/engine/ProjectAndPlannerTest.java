package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.SourceFolder;
import dev.mailferry.core.spi.TargetFolder;
import dev.mailferry.engine.internal.FolderPlanner;
import dev.mailferry.engine.internal.FolderPlanner.PlannedFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project folder, its file and store, and folder planning. */
class ProjectAndPlannerTest {

    @TempDir
    Path dir;

    @Test
    void projectKeepsEndpointsMailboxesAndBatchesButNoSecrets() throws Exception {
        MemorySecretStore secrets = new MemorySecretStore();
        Path folder = dir.resolve("contoso");
        String id;
        try (MigrationProject p = MigrationProject.create(folder, "Contoso")) {
            id = p.id();
            p.setSourceEndpoint(new Endpoint("imap", Map.of("host", "mail.contoso.example", "port", "993",
                    "security", "ssl", "note", "a=b: c # d")));
            p.setTargetEndpoint(new Endpoint("graph", Map.of("tenant", "contoso.onmicrosoft.com")));
            p.putMailboxes(List.of(
                    new MailboxImport(new MailboxEntry("Alice@Contoso.example", "alice", null, null),
                            Secret.of("alice-secret-1"), null),
                    new MailboxImport(new MailboxEntry("bob@contoso.example", "bob", "Users/bob", "bob.t"),
                            Secret.of("bob-secret-2"), Secret.of("bob-target-3"))), secrets);
            // replacing an entry by address, case-insensitively
            p.putMailboxes(List.of(new MailboxImport(new MailboxEntry("alice@contoso.example", "alice2", null, null),
                    Secret.of("alice-secret-4"), null)), secrets);
            p.createBatch("Pilot", List.of("bob@contoso.example"), BatchOptions.defaults().withMaxItemsPerMailbox(10)
                    .withExcludedFolders(List.of(FolderPath.of("Junk")))
                    .withFolderMapping(Map.of(FolderPath.of("Old"), FolderPath.of("Archive", "Old"))));
            assertThrows(MigrationException.class, () -> p.createBatch("Pilot", List.of(), BatchOptions.defaults()));
            assertThrows(MigrationException.class,
                    () -> p.createBatch("Other", List.of("nobody@contoso.example"), BatchOptions.defaults()));
        }
        assertThrows(MigrationException.class, () -> MigrationProject.create(folder, "Again"));
        try (MigrationProject p = MigrationProject.open(folder)) {
            assertEquals(id, p.id());
            assertEquals("Contoso", p.name());
            assertEquals("a=b: c # d", p.sourceEndpoint().orElseThrow().get("note"));
            assertEquals("993", p.sourceEndpoint().orElseThrow().get("port"));
            assertEquals("graph", p.targetEndpoint().orElseThrow().connectorId());
            List<MailboxEntry> mailboxes = p.mailboxes();
            assertEquals(2, mailboxes.size());
            assertEquals("alice2", mailboxes.get(0).sourceUserName());
            assertEquals("Users/bob", mailboxes.get(1).userRoot());
            BatchInfo batch = p.batch("Pilot").orElseThrow();
            assertEquals(BatchState.CREATED, batch.state());
            assertEquals(List.of("bob@contoso.example"), batch.mailboxes());
            assertEquals(10, batch.options().maxItemsPerMailbox());
            assertEquals(List.of(FolderPath.of("Junk")), batch.options().excludedFolders());
            assertEquals(FolderPath.of("Archive", "Old"), batch.options().folderMapping().get(FolderPath.of("Old")));
            assertEquals(MailboxState.QUEUED, p.status("Pilot").get(0).state());
        }
        assertEquals("alice-secret-4", secrets.get(SecretKeys.mailboxSource(id, "alice@contoso.example")).orElseThrow()
                .reveal());
        assertEquals("bob-target-3", secrets.get(SecretKeys.mailboxTarget(id, "BOB@contoso.example")).orElseThrow()
                .reveal());
        // no secret reaches the project folder
        try (var files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String secret : List.of("alice-secret-1", "bob-secret-2", "bob-target-3", "alice-secret-4")) {
                    assertFalse(content.contains(secret), secret + " found in " + f);
                }
            }
        }
        assertTrue(Files.exists(folder.resolve(MigrationProject.STATE_DB)));
        assertTrue(Files.isDirectory(folder.resolve("reports")));
        assertTrue(Files.isDirectory(folder.resolve("logs")));
    }

    static SourceFolder src(String path, SpecialUse role) {
        return new SourceFolder(FolderPath.parse(path, '/'), path, role, true);
    }

    @Test
    void specialUseFoldersGoToTheTargetsFolderWithTheSameRole() {
        List<SourceFolder> source = List.of(src("INBOX", SpecialUse.INBOX), src("inbox/Sub", SpecialUse.NONE),
                src("Sent", SpecialUse.SENT), src("Sent/2020", SpecialUse.NONE), src("Trash", SpecialUse.TRASH),
                src("Drafts", SpecialUse.DRAFTS), src("Projects/A", SpecialUse.NONE),
                new SourceFolder(FolderPath.of("Projects"), "Projects", SpecialUse.NONE, false));
        List<TargetFolder> target = List.of(new TargetFolder(FolderPath.of("Inbox"), "inbox", SpecialUse.INBOX),
                new TargetFolder(FolderPath.of("Sent Items"), "s", SpecialUse.SENT),
                new TargetFolder(FolderPath.of("Deleted Items"), "d", SpecialUse.TRASH));
        List<PlannedFolder> plan = FolderPlanner.plan(source, target, BatchOptions.defaults());
        Map<String, String> byPath = new java.util.LinkedHashMap<>();
        plan.forEach(p -> byPath.put(p.source().path().toString(), p.target().toString()));
        assertEquals(Map.of("INBOX", "Inbox", "inbox/Sub", "Inbox/Sub", "Sent", "Sent Items", "Sent/2020",
                "Sent Items/2020", "Trash", "Deleted Items", "Drafts", "Drafts", "Projects/A", "Projects/A"), byPath);
        assertEquals(7, plan.size(), "the \\Noselect node is not planned");
    }

    @Test
    void mappingBeatsRolesAndLongestPrefixWins() {
        List<SourceFolder> source = List.of(src("Sent", SpecialUse.SENT), src("Archive/2019", SpecialUse.NONE),
                src("Archive/2019/Q1", SpecialUse.NONE), src("Archive/2020", SpecialUse.NONE), src("Spam", SpecialUse.JUNK),
                src("Spam/Old", SpecialUse.NONE));
        List<TargetFolder> target = List.of(new TargetFolder(FolderPath.of("Sent Items"), "s", SpecialUse.SENT));
        BatchOptions options = BatchOptions.defaults()
                .withFolderMapping(Map.of(FolderPath.of("Sent"), FolderPath.of("Old Sent"), FolderPath.of("Archive"),
                        FolderPath.of("Archiv"), FolderPath.of("Archive", "2019"), FolderPath.of("Alt", "2019")))
                .withExcludedFolders(List.of(FolderPath.of("Spam")));
        List<PlannedFolder> plan = FolderPlanner.plan(source, target, options);
        assertEquals("Old Sent", plan.get(0).target().toString());
        assertEquals("Alt/2019", plan.get(1).target().toString());
        assertEquals("Alt/2019/Q1", plan.get(2).target().toString());
        assertEquals("Archiv/2020", plan.get(3).target().toString());
        assertFalse(plan.get(4).copied());
        assertFalse(plan.get(5).copied(), "children of an excluded folder are excluded");
        assertTrue(plan.get(5).excludedReason().contains("Spam"));
    }

    /** As a '.'-separated IMAP target: a '.' inside a name becomes '_'. */
    private static FolderPath dotTarget(FolderPath wanted) {
        return FolderPath.of(wanted.segments().stream().map(n -> n.replace('.', '_')).toList());
    }

    private static Map<String, String> targets(List<PlannedFolder> plan) {
        Map<String, String> byPath = new java.util.LinkedHashMap<>();
        plan.forEach(p -> byPath.put(p.source().path().toString(), p.target().toString()));
        return byPath;
    }

    @Test
    void namesTheTargetCannotHoldNeverMeetAnotherFolder() throws Exception {
        List<SourceFolder> source = List.of(src("INBOX", SpecialUse.INBOX), src("Mr. Smith", SpecialUse.NONE),
                src("v1.2", SpecialUse.NONE), src("v1.2/Sub", SpecialUse.NONE), src("v1_2", SpecialUse.NONE),
                src("v1_2/Sub", SpecialUse.NONE));
        List<PlannedFolder> plan = FolderPlanner.plan(source, List.of(), BatchOptions.defaults(), Map.of(),
                ProjectAndPlannerTest::dotTarget);
        // the folder whose name the target holds keeps it; the other gets a number, and its subfolder follows it
        assertEquals(Map.of("INBOX", "INBOX", "Mr. Smith", "Mr_ Smith", "v1.2", "v1_2 (2)", "v1.2/Sub", "v1_2 (2)/Sub",
                "v1_2", "v1_2", "v1_2/Sub", "v1_2/Sub"), targets(plan));
    }

    @Test
    void foldersWhoseNamesChangedSayWhyInTheirNote() throws Exception {
        List<SourceFolder> source = List.of(src("INBOX", SpecialUse.INBOX), src("v1.2", SpecialUse.NONE),
                src("v1_2", SpecialUse.NONE), src("Plain", SpecialUse.NONE));
        Map<String, String> notes = new java.util.HashMap<>();
        for (PlannedFolder p : FolderPlanner.plan(source, List.of(), BatchOptions.defaults(), Map.of(),
                ProjectAndPlannerTest::dotTarget)) {
            notes.put(p.source().path().toString(), String.valueOf(p.note()));
        }
        assertEquals("the target cannot hold the name v1.2, and v1_2 is another folder's; stored as v1_2 (2)",
                notes.get("v1.2"));
        assertEquals("null", notes.get("v1_2"));
        assertEquals("null", notes.get("Plain"));
        assertEquals("null", notes.get("INBOX"));
    }

    @Test
    void onATargetThatIgnoresCaseNamesDifferingInCaseOnlyAreKeptApart() throws Exception {
        List<SourceFolder> source = List.of(src("Work", SpecialUse.NONE), src("work", SpecialUse.NONE),
                src("work/Sub", SpecialUse.NONE), src("WORK/Sub", SpecialUse.NONE));
        List<PlannedFolder> plan = FolderPlanner.plan(source, List.of(), BatchOptions.defaults(), Map.of(), p -> p,
                true);
        assertEquals(Map.of("Work", "Work", "work", "work (2)", "work/Sub", "work (2)/Sub", "WORK/Sub", "WORK/Sub"),
                targets(plan));
        assertEquals("work is another folder's on the target; stored as work (2)", plan.get(1).note());
        // a target that tells case apart keeps every name
        assertEquals(Map.of("Work", "Work", "work", "work", "work/Sub", "work/Sub", "WORK/Sub", "WORK/Sub"),
                targets(FolderPlanner.plan(source, List.of(), BatchOptions.defaults(), Map.of(), p -> p, false)));
    }

    @Test
    void aFolderKeepsTheTargetItWasRecordedWithWhenAnotherArrives() throws Exception {
        List<SourceFolder> source = List.of(src("Mr. Smith", SpecialUse.NONE), src("Mr_ Smith", SpecialUse.NONE));
        Map<FolderPath, FolderPath> recorded = Map.of(FolderPath.of("Mr. Smith"), FolderPath.of("Mr_ Smith"),
                FolderPath.of("Gone"), FolderPath.of("Kept"));
        List<PlannedFolder> plan = FolderPlanner.plan(List.of(source.get(0), source.get(1), src("Kept", SpecialUse.NONE)),
                List.of(), BatchOptions.defaults(), recorded, ProjectAndPlannerTest::dotTarget);
        assertEquals(Map.of("Mr. Smith", "Mr_ Smith", "Mr_ Smith", "Mr_ Smith (2)", "Kept", "Kept (2)"), targets(plan),
                "nor does a new folder go into the target folder of one gone from the source");
    }

    @Test
    void onlyTheBatchMappingSendsTwoFoldersIntoOne() throws Exception {
        List<SourceFolder> source = List.of(src("Sent", SpecialUse.SENT), src("Sent Messages", SpecialUse.SENT),
                src("Archive", SpecialUse.NONE), src("Old", SpecialUse.NONE));
        List<TargetFolder> target = List.of(new TargetFolder(FolderPath.of("Sent Items"), "s", SpecialUse.SENT));
        BatchOptions options = BatchOptions.defaults().withFolderMapping(Map.of(FolderPath.of("Old"),
                FolderPath.of("Archive")));
        List<PlannedFolder> plan = FolderPlanner.plan(source, target, options, Map.of(), p -> p);
        assertEquals(Map.of("Sent", "Sent Items", "Sent Messages", "Sent Items (2)", "Archive", "Archive", "Old",
                "Archive"), targets(plan));
    }

    @Test
    void batchOptionsChangeAndMailboxesLeaveABatchButNotWhileReadOnlyOrEmptied() throws Exception {
        Path folder = dir.resolve("fabrikam");
        try (MigrationProject p = MigrationProject.create(folder, "Fabrikam")) {
            p.putMailboxes(List.of(new MailboxImport(new MailboxEntry("a@fabrikam.example", "a", null, null), null, null),
                    new MailboxImport(new MailboxEntry("b@fabrikam.example", "b", null, null), null, null),
                    new MailboxImport(new MailboxEntry("c@fabrikam.example", "c", null, null), null, null)),
                    new MemorySecretStore());
            p.createBatch("Wave", List.of(), BatchOptions.defaults());
            BatchOptions changed = BatchOptions.defaults().withExcludedFolders(List.of(FolderPath.of("Junk")))
                    .withFolderMapping(Map.of(FolderPath.of("Old"), FolderPath.of("Archive", "Old")));
            assertEquals(changed, p.setBatchOptions("Wave", changed).options());

            assertEquals(List.of("a@fabrikam.example", "c@fabrikam.example"),
                    p.removeFromBatch("Wave", List.of("B@Fabrikam.example")).mailboxes());
            MigrationException unknown = assertThrows(MigrationException.class,
                    () -> p.removeFromBatch("Wave", List.of("b@fabrikam.example")));
            assertEquals("Not in batch 'Wave': b@fabrikam.example", unknown.getMessage());
            assertThrows(MigrationException.class,
                    () -> p.removeFromBatch("Wave", List.of("a@fabrikam.example", "c@fabrikam.example")));
            assertEquals(3, p.mailboxes().size(), "the mailbox stays in the project");
        }
        try (MigrationProject p = MigrationProject.openReadOnly(folder)) {
            assertEquals(List.of(FolderPath.of("Junk")), p.batch("Wave").orElseThrow().options().excludedFolders());
            assertThrows(MigrationException.class, () -> p.setBatchOptions("Wave", BatchOptions.defaults()));
        }
    }
}
