package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.engine.internal.PipelineHook;
import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine, found as a Declarative Services component with the IMAP connector, migrating between two real Dovecot
 * servers on loopback; the result is read back with Jakarta Mail and compared message by message.
 */
class DovecotMigrationTest extends DovecotTestBase {

    /** Counts the folders a pass works on (scans and copies). */
    private static final class FoldersWorkedOn implements MigrationListener {
        final List<FolderPath> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void folderStarted(String email, FolderPath source, FolderPath target, long messages) {
            started.add(source);
        }
    }

    @Test
    void laterPassesPassOverFoldersInWhichNothingChanged() throws Exception {
        start(1, CorpusSpec.small(8, 120));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        DemoEnvironmentUser alice = demo.users().get(0);
        FoldersWorkedOn first = new FoldersWorkedOn();
        engine.sync(project, "all", secrets, first);
        assertTrue(first.started.size() > 3, first.started.toString());

        // nothing changed on the source: no folder is scanned (Dovecot has CONDSTORE: STATUS HIGHESTMODSEQ says so)
        FoldersWorkedOn idle = new FoldersWorkedOn();
        BatchRunResult second = engine.sync(project, "all", secrets, idle);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state());
        assertEquals(List.of(), idle.started);

        // a new message in INBOX, a flag changed in another folder, a message expunged in a third
        List<FolderPath> withMessages = new java.util.ArrayList<>();
        try (ImapProbe s = sourceProbe(alice)) {
            s.snapshot().forEach((folder, messages) -> {
                if (!folder.isInbox() && messages.size() > 1) {
                    withMessages.add(folder);
                }
            });
            assertTrue(withMessages.size() >= 2, withMessages.toString());
            s.append(FolderPath.of("INBOX"), ("Message-ID: <idle-then-new@example.org>\r\nSubject: new\r\n"
                    + "From: x@example.org\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII),
                    new Date(1_700_000_000_000L), new Flags());
            s.changeFlags(withMessages.get(0), 1, new Flags(Flags.Flag.FLAGGED), true);
            jakarta.mail.Folder expunged = s.folder(withMessages.get(1));
            expunged.open(jakarta.mail.Folder.READ_WRITE);
            expunged.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            expunged.close(true);
        }
        FoldersWorkedOn changed = new FoldersWorkedOn();
        BatchRunResult third = engine.sync(project, "all", secrets, changed);

        assertEquals(MailboxState.SYNCED, third.mailboxes().get(0).state(), third.toString());
        assertEquals(java.util.Set.of(FolderPath.of("INBOX"), withMessages.get(0), withMessages.get(1)),
                java.util.Set.copyOf(changed.started), "only the changed folders");
        assertEquals(1, third.mailboxes().get(0).lastPassCopied());
        assertEquals(1, third.mailboxes().get(0).vanished(), "the expunged message is recorded as gone");
        try (ImapProbe s = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            assertEquals(nonEmpty(s.snapshot()).get(withMessages.get(0)), t.snapshot().get(withMessages.get(0)),
                    "the changed flag was pushed");
        }

        // other limits (a batch with a larger maximum message size) make every folder be looked at again
        project.createBatch("larger", List.of(alice.emailAddress()), BatchOptions.defaults().withMaxMessageSize(
                BatchOptions.defaults().maxMessageSize() * 2));
        FoldersWorkedOn reconsidered = new FoldersWorkedOn();
        engine.sync(project, "larger", secrets, reconsidered);
        assertEquals(first.started.size(), reconsidered.started.size(), reconsidered.started.toString());
    }

    @Test
    void fullMigrationThenIncrementalPass() throws Exception {
        start(2, CorpusSpec.small(7, 120));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult first = engine.sync(project, "all", secrets, events);
        for (MailboxStatus s : first.mailboxes()) {
            assertEquals(MailboxState.SYNCED, s.state(), s.toString());
            assertEquals(0, s.failed(), s.toString());
        }
        for (DemoEnvironmentUser u : demo.users()) {
            assertMigrated(u);
        }
        assertTrue(project.folderStatus(demo.users().get(0).emailAddress()).stream()
                .anyMatch(f -> f.source().equals(FolderPath.of("Проекты"))), "non-ASCII folder names survive");
        // every target folder written to was read back over IMAP (STATUS) after the pass: all recorded messages there
        for (FolderStatus f : project.folderStatus(demo.users().get(0).emailAddress())) {
            if (f.copied() > 0) {
                assertEquals(new FolderStatus.ReadBack(f.copied(), f.copied()), f.readBack(), f.toString());
            }
        }

        // new mail and changed flags on the source of the first user
        DemoEnvironmentUser alice = demo.users().get(0);
        try (ImapProbe s = sourceProbe(alice)) {
            for (int i = 0; i < 3; i++) {
                byte[] raw = ("Message-ID: <incremental-" + i + "@example.org>\r\nSubject: new " + i
                        + "\r\nFrom: x@example.org\r\n\r\nhello " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
                s.append(FolderPath.of("INBOX"), raw, new Date(1_700_000_000_000L + i * 1000L), new Flags(Flags.Flag.SEEN));
            }
            Flags flagged = new Flags(Flags.Flag.FLAGGED);
            flagged.add("$Important");
            s.changeFlags(FolderPath.of("INBOX"), 1, flagged, true);
            s.changeFlags(FolderPath.of("INBOX"), 2, new Flags(Flags.Flag.SEEN), false);
        }
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        assertEquals(3, second.mailboxes().get(0).lastPassCopied());
        assertEquals(0, second.mailboxes().get(1).lastPassCopied());
        for (DemoEnvironmentUser u : demo.users()) {
            assertMigrated(u);
        }
        String summary = Files.readString(project.writeReport("all").summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains(alice.emailAddress() + ",(all folders),,SYNCED,"), summary);
    }

    @Test
    void renumberedSourceFolderIsNotCopiedAgain() throws Exception {
        start(1, CorpusSpec.small(8, 100));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        engine.sync(project, "all", secrets, null);
        DemoEnvironmentUser alice = demo.users().get(0);
        FolderPath archive = FolderPath.of("Archive", "2024");
        int before;
        try (ImapProbe t = targetProbe(alice)) {
            before = t.count(archive);
        }
        assertTrue(before > 0);
        try (ImapProbe s = sourceProbe(alice)) {
            s.renumber(archive);
        }
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        assertEquals(0, second.mailboxes().get(0).lastPassCopied());
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("UIDVALIDITY")), events.notices.toString());
        assertMigrated(alice);
    }

    @Test
    void crashBetweenAppendAndRecordResumesWithoutDuplicates() throws Exception {
        start(1, CorpusSpec.small(9, 150));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        AtomicInteger accepted = new AtomicInteger();
        engine.setPipelineHook(new PipelineHook() {
            @Override
            public void accepted(String email, FolderPath folder, MessageInfo message) {
                if (accepted.incrementAndGet() == 70) {
                    throw new FakeEngineTest.SimulatedCrash();
                }
            }
        });
        try {
            assertThrows(FakeEngineTest.SimulatedCrash.class, () -> engine.sync(project, "all", secrets, null));
        } finally {
            engine.setPipelineHook(null);
        }
        project.close();
        project = MigrationProject.open(dir.resolve("project"));
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();
        BatchRunResult resumed = engine.sync(project, "all", secrets, events);
        assertEquals(MailboxState.SYNCED, resumed.mailboxes().get(0).state(), resumed.toString());
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("Resumed")), events.notices.toString());
        assertMigrated(demo.users().get(0));
    }

    @Test
    void wrongPasswordFailsOneMailboxOnly() throws Exception {
        start(2, CorpusSpec.small(10, 40));
        MigrationEngine engine = engineService();
        DemoEnvironmentUser bob = demo.users().get(1);
        secrets.put(SecretKeys.mailboxSource(project.id(), bob.emailAddress()), Secret.of("not-" + bob.sourcePassword()));
        project.createBatch("all", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        assertEquals(BatchState.SYNCED_WITH_ERRORS, result.state());
        MailboxStatus a = result.mailboxes().get(0);
        MailboxStatus b = result.mailboxes().get(1);
        assertEquals(MailboxState.SYNCED, a.state());
        assertEquals(MailboxState.FAILED, b.state());
        assertTrue(b.lastError().startsWith("Login refused"), b.lastError());
        assertFalse(b.lastError().contains(bob.sourcePassword()));
        assertFalse(Files.readString(result.log()).contains(bob.sourcePassword()));
        assertMigrated(demo.users().get(0));
    }

    @Test
    void sizeAndItemLimitsAreReportedSkips() throws Exception {
        start(1, CorpusSpec.small(11, 120));
        MigrationEngine engine = engineService();
        long maxSize = 60 * 1024;
        project.createBatch("limited", List.of(),
                BatchOptions.defaults().withMaxMessageSize(maxSize).withMaxItemsPerMailbox(50));
        BatchRunResult result = engine.sync(project, "limited", secrets, null);
        MailboxStatus s = result.mailboxes().get(0);
        assertEquals(50, s.copied());
        DemoEnvironmentUser alice = demo.users().get(0);
        int sourceTotal;
        try (ImapProbe src = sourceProbe(alice); ImapProbe t = targetProbe(alice)) {
            sourceTotal = src.total();
            assertEquals(50, t.total());
            for (List<String> messages : t.snapshot().values()) {
                for (String m : messages) {
                    assertTrue(Long.parseLong(m.split(" ")[1]) <= maxSize, m);
                }
            }
        }
        assertEquals(sourceTotal - 50, s.skipped(), s.toString());
        List<String> details = Files.readAllLines(project.writeReport("limited").details(), StandardCharsets.UTF_8);
        assertEquals(sourceTotal - 50 + 1, details.size());
        assertTrue(details.stream().anyMatch(l -> l.contains("larger than the maximum message size of 60.0 KB")));
        assertTrue(details.stream().anyMatch(l -> l.contains("beyond the maximum of 50 items per mailbox")));
    }
}
