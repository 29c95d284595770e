package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentUser;
import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Folders between two real Dovecot servers: renamed and vanished source folders, names the target's hierarchy
 * delimiter cannot hold, and a target that already holds some of the messages.
 */
class DovecotFolderTest extends DovecotTestBase {

    private static FolderStatus folder(List<FolderStatus> statuses, String source) {
        return statuses.stream().filter(f -> f.source().toString().equals(source)).findFirst()
                .orElseThrow(() -> new AssertionError("no folder " + source + " in " + statuses));
    }

    @Test
    void sourceFolderRenamedKeepingItsUidsIsRenamedOnTheTargetAndNotCopiedAgain() throws Exception {
        start(1, CorpusSpec.small(21, 150));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        engine.sync(project, "all", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        int apollo;
        int specs;
        try (ImapProbe t = targetProbe(alice)) {
            apollo = t.count(FolderPath.of("Projects", "Apollo"));
            specs = t.count(FolderPath.of("Projects", "Apollo", "Specs"));
        }
        assertTrue(apollo > 0 && specs > 0, apollo + " " + specs);
        // RENAME moves the subfolder along; "Trash" disappears without a rename
        int trash;
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            s.rename(FolderPath.of("Projects", "Apollo"), FolderPath.of("Projects", "Artemis"));
            trash = t.count(FolderPath.of("Trash")); // the source's \Deleted messages were not copied
            s.delete(FolderPath.of("Trash"));
        }
        assertTrue(trash > 0);

        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state(), second.toString());
        assertEquals(0, second.mailboxes().get(0).lastPassCopied(), events.notices.toString());
        try (ImapProbe t = targetProbe(alice)) {
            assertEquals(apollo, t.count(FolderPath.of("Projects", "Artemis")));
            assertEquals(specs, t.count(FolderPath.of("Projects", "Artemis", "Specs")));
            assertFalse(t.folder(FolderPath.of("Projects", "Apollo")).exists(), "the target folder was renamed");
            assertEquals(trash, t.count(FolderPath.of("Trash")), "a folder gone from the source stays on the target");
            // everything else as on the source: the renamed folders under their new names, no duplicates
            Map<FolderPath, List<String>> target = nonEmpty(t.snapshot());
            target.remove(FolderPath.of("Trash"));
            try (ImapProbe s = sourceProbe(alice)) {
                assertEquals(nonEmpty(s.snapshot()), target);
            }
        }
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("Projects/Apollo was renamed to Projects/Artemis")
                && n.contains("the target folder Projects/Apollo was renamed to Projects/Artemis")), events.notices.toString());
        assertTrue(events.notices.stream().anyMatch(n -> n.equals("The source folder Trash is no longer on the source; its "
                + trash + " copied messages stay on the target in Trash")), events.notices.toString());

        List<FolderStatus> statuses = project.folderStatus(alice.emailAddress());
        FolderStatus artemis = folder(statuses, "Projects/Artemis");
        assertEquals(FolderPath.of("Projects", "Artemis"), artemis.target());
        assertEquals(apollo, artemis.copied());
        assertTrue(artemis.note().contains("renamed on the source from Projects/Apollo"), artemis.note());
        assertEquals(FolderPath.of("Projects", "Artemis", "Specs"), folder(statuses, "Projects/Artemis/Specs").target());
        assertTrue(statuses.stream().noneMatch(f -> f.source().toString().startsWith("Projects/Apollo")), statuses.toString());
        FolderStatus gone = folder(statuses, "Trash");
        assertEquals(trash, gone.copied());
        assertTrue(gone.note().startsWith("no longer on the source"), gone.note());
        String summary = Files.readString(project.writeReport("all").summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains("Projects/Artemis,Projects/Artemis,,"), summary);
        assertTrue(summary.contains("renamed on the source from Projects/Apollo"), summary);
        assertTrue(summary.contains("Trash,Trash,,"), summary);
        assertTrue(summary.contains("no longer on the source; its " + trash + " copied messages stay on the target"), summary);
        String log = Files.readString(second.log(), StandardCharsets.UTF_8);
        assertTrue(log.contains("Projects/Apollo was renamed to Projects/Artemis"), log);
        assertTrue(log.contains("Trash is no longer on the source"), log);

        // the gone folder is not pending, and a third pass changes nothing
        BatchRunResult third = engine.sync(project, "all", secrets, null);
        assertEquals(0, third.mailboxes().get(0).lastPassCopied());
        assertEquals(MailboxState.SYNCED, third.mailboxes().get(0).state());
    }

    @Test
    void renamedFolderWhoseNewNameExistsOnTheTargetKeepsItsTargetFolder() throws Exception {
        start(1, CorpusSpec.small(25, 100));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        engine.sync(project, "all", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        FolderPath feedback = FolderPath.of("Customer Feedback");
        FolderPath clients = FolderPath.of("Clients");
        int copied;
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            copied = t.count(feedback);
            t.create(clients);
            t.append(clients, raw("someone-elses"), new Date(1_700_000_000_000L), new Flags());
            s.rename(feedback, clients);
            s.append(clients, raw("after-the-rename"), new Date(1_700_000_300_000L), new Flags());
        }
        assertTrue(copied > 0);
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        assertEquals(1, second.mailboxes().get(0).lastPassCopied(), events.notices.toString());
        try (ImapProbe t = targetProbe(alice)) {
            assertEquals(copied + 1, t.count(feedback), "the new message joins the others");
            assertEquals(1, t.count(clients), "the target's own folder is left alone");
        }
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("Customer Feedback was renamed to Clients")
                && n.contains("they stay in the target folder Customer Feedback")
                && n.contains("the target already has a folder Clients")), events.notices.toString());
        FolderStatus status = folder(project.folderStatus(alice.emailAddress()), "Clients");
        assertEquals(feedback, status.target());
        assertEquals(copied + 1, status.copied());
        assertTrue(status.note().contains("renamed on the source from Customer Feedback"), status.note());
    }

    @Test
    void folderTheBatchMappedStaysWhereTheMappingPutItWhenRenamedOutOfTheMapping() throws Exception {
        start(1, CorpusSpec.small(26, 100));
        MigrationEngine engine = engineService();
        project.createBatch("mapped", List.of(), BatchOptions.defaults().withFolderMapping(Map.of(
                FolderPath.of("Projects"), FolderPath.of("Work"))));
        engine.sync(project, "mapped", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        int zephyr;
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            zephyr = t.count(FolderPath.of("Work", "Zephyr"));
            s.rename(FolderPath.of("Projects", "Zephyr"), FolderPath.of("Zephyr"));
        }
        assertTrue(zephyr > 0);
        assertEquals(0, engine.sync(project, "mapped", secrets, events).mailboxes().get(0).lastPassCopied());
        try (ImapProbe t = targetProbe(alice)) {
            assertEquals(zephyr, t.count(FolderPath.of("Work", "Zephyr")));
            assertFalse(t.folder(FolderPath.of("Zephyr")).exists());
        }
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("the batch's folder mapping put it there")),
                events.notices.toString());
    }

    @Test
    void sourceFolderRecreatedUnderAnotherNameWithNewUidsIsRecognisedByItsMessages() throws Exception {
        start(1, CorpusSpec.small(22, 120));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        engine.sync(project, "all", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        FolderPath old = FolderPath.of("Archive", "2024");
        FolderPath renamed = FolderPath.of("Archive", "Year 2024");
        int before;
        try (ImapProbe s = sourceProbe(alice)) {
            before = s.count(old);
            s.moveToNewFolder(old, renamed); // a new folder, so a new UIDVALIDITY
        }
        assertTrue(before > 0);
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        assertEquals(0, second.mailboxes().get(0).lastPassCopied(), events.notices.toString());
        assertMigrated(alice);
        try (ImapProbe t = targetProbe(alice)) {
            assertFalse(t.folder(old).exists());
            assertEquals(before, t.count(renamed));
        }
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("Archive/2024 was renamed to Archive/Year 2024")),
                events.notices.toString());
        FolderStatus status = folder(project.folderStatus(alice.emailAddress()), "Archive/Year 2024");
        assertEquals(before, status.copied());
        assertEquals(0, status.vanished());
    }

    @Test
    void namesTheTargetDelimiterCannotHoldGetUniqueNamesThatStayAcrossPasses() throws Exception {
        demo = DemoEnvironment.builder(dir.resolve("servers")).users(1).corpus(CorpusSpec.small(23, 20))
                .delimiters('/', '.').start();
        project = MigrationProject.create(dir.resolve("project"), "Dovecot test");
        project.setSourceEndpoint(endpoint(demo.source()));
        project.setTargetEndpoint(endpoint(demo.target()));
        DemoEnvironmentUser alice = demo.users().get(0);
        project.putMailboxes(List.of(new MailboxImport(new MailboxEntry(alice.emailAddress(), alice.sourceUserName(),
                null, alice.targetUserName()), Secret.of(alice.sourcePassword()), Secret.of(alice.targetPassword()))),
                secrets);
        try (ImapProbe s = sourceProbe(alice)) {
            for (String name : List.of("v1.2", "Mr. Smith", "v1_2")) {
                s.create(FolderPath.of(name));
                for (int i = 0; i < 2; i++) {
                    s.append(FolderPath.of(name), raw(name + "-" + i), new Date(1_700_000_000_000L + i * 1000L),
                            new Flags());
                }
            }
        }
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult first = engine.sync(project, "all", secrets, events);
        assertEquals(MailboxState.SYNCED, first.mailboxes().get(0).state(), first.toString());
        // the real "v1_2" keeps its name; "v1.2" cannot, and must not be merged into it
        Map<String, String> expected = Map.of("v1_2", "v1_2", "v1.2", "v1_2 (2)", "Mr. Smith", "Mr_ Smith");
        assertTargets(alice, expected, first);
        String log = Files.readString(first.log(), StandardCharsets.UTF_8);
        assertTrue(log.contains("folder v1.2 -> v1_2 (2)") && log.contains("folder Mr. Smith -> Mr_ Smith"), log);

        // a folder added later does not take the name an existing folder got
        try (ImapProbe s = sourceProbe(alice)) {
            s.create(FolderPath.of("Mr_ Smith"));
            s.append(FolderPath.of("Mr_ Smith"), raw("later"), new Date(1_700_000_100_000L), new Flags());
        }
        BatchRunResult second = engine.sync(project, "all", secrets, null);
        assertEquals(1, second.mailboxes().get(0).lastPassCopied());
        assertTargets(alice, Map.of("v1_2", "v1_2", "v1.2", "v1_2 (2)", "Mr. Smith", "Mr_ Smith", "Mr_ Smith",
                "Mr_ Smith (2)"), second);
    }

    /** Each source folder's messages are exactly those of its target folder, which the status, report and log name. */
    private void assertTargets(DemoEnvironmentUser alice, Map<String, String> sourceToTarget, BatchRunResult result)
            throws Exception {
        Map<FolderPath, List<String>> source;
        Map<FolderPath, List<String>> target;
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            source = s.snapshot();
            target = t.snapshot();
        }
        List<FolderStatus> statuses = project.folderStatus(alice.emailAddress());
        String summary = Files.readString(project.writeReport("all").summary(), StandardCharsets.UTF_8);
        String log = Files.readString(result.log(), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : sourceToTarget.entrySet()) {
            FolderPath targetPath = FolderPath.of(e.getValue());
            List<String> copied = target.get(targetPath);
            assertNotNull(copied, "target folder " + targetPath + " in " + target.keySet());
            assertEquals(source.get(FolderPath.of(e.getKey())), copied, e.getKey() + " -> " + e.getValue());
            assertEquals(targetPath, folder(statuses, e.getKey()).target());
            assertTrue(summary.contains("," + e.getKey() + "," + e.getValue() + ","), summary);
        }
        List<String> logged = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.contains("v1") || line.contains("Smith")) {
                logged.add(line);
            }
        }
        assertFalse(logged.isEmpty(), log);
        for (String line : logged) {
            assertFalse(line.contains("→ v1.2") || line.contains("→ Mr. Smith") || line.contains("-> v1.2")
                    || line.contains("-> Mr. Smith"), "the log names the target folder that exists: " + line);
        }
    }

    private static byte[] raw(String id) {
        return ("Message-ID: <" + id + "@example.org>\r\nSubject: " + id + "\r\nFrom: x@example.org\r\n\r\nbody of " + id
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void secondProjectIntoTheSameTargetRecognisesMessagesAlreadyThere() throws Exception {
        start(1, CorpusSpec.small(24, 120));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        engine.sync(project, "all", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        // two identical messages on the source, one of them already on the target: one is copied
        byte[] twin = raw("twin");
        Date date = new Date(1_700_000_200_000L);
        int total;
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            s.append(FolderPath.of("INBOX"), twin, date, new Flags());
            s.append(FolderPath.of("INBOX"), twin, date, new Flags());
            t.append(FolderPath.of("INBOX"), twin, date, new Flags(Flags.Flag.FLAGGED)); // the source's flags win
            total = s.snapshot().values().stream().mapToInt(List::size).sum(); // without \Deleted ones
        }
        project.close();
        project = MigrationProject.create(dir.resolve("second"), "Second project");
        project.setSourceEndpoint(endpoint(demo.source()));
        project.setTargetEndpoint(endpoint(demo.target()));
        project.putMailboxes(List.of(new MailboxImport(new MailboxEntry(alice.emailAddress(), alice.sourceUserName(),
                null, alice.targetUserName()), Secret.of(alice.sourcePassword()), Secret.of(alice.targetPassword()))),
                secrets);
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult result = engine.sync(project, "all", secrets, events);
        MailboxStatus mailbox = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, mailbox.state(), result.toString());
        assertEquals(1, mailbox.lastPassCopied(), events.notices.toString());
        assertEquals(total, mailbox.copied());
        assertMigrated(alice);
        List<FolderStatus> statuses = project.folderStatus(alice.emailAddress());
        assertEquals(total - 1, statuses.stream().mapToLong(FolderStatus::alreadyOnTarget).sum());
        FolderStatus inbox = folder(statuses, "INBOX");
        assertEquals(inbox.copied() - 1, inbox.alreadyOnTarget());
        assertTrue(inbox.note().contains(inbox.alreadyOnTarget() + " messages were already on the target"), inbox.note());
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("already on the target")), events.notices.toString());
        String summary = Files.readString(project.writeReport("all").summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains("messages were already on the target and not copied again"), summary);
        assertTrue(Files.readString(result.log(), StandardCharsets.UTF_8).contains("already on the target"));

        // later passes copy what is new, and do not look at the target's messages again
        try (ImapProbe s = sourceProbe(alice)) {
            s.append(FolderPath.of("INBOX"), raw("new"), date, new Flags());
        }
        BatchRunResult next = engine.sync(project, "all", secrets, null);
        assertEquals(1, next.mailboxes().get(0).lastPassCopied());
        assertMigrated(alice);
    }
}
