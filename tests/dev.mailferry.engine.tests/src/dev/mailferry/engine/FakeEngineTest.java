package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.model.MessageFlags;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.model.SystemFlag;
import dev.mailferry.core.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine against in-memory connectors: every rule of the copy, fast and deterministic. */
class FakeEngineTest {

    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";
    static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path dir;

    FakeMail.Source source;
    FakeMail.Target target;
    MigrationEngine engine;
    MemorySecretStore secrets;
    MigrationProject project;
    RecordingListener events;

    @BeforeEach
    void setUp() throws Exception {
        source = new FakeMail.Source();
        target = new FakeMail.Target();
        engine = new MigrationEngine(List.of(source), List.of(target));
        engine.setRetryPolicy(3, Duration.ofMillis(10));
        secrets = new MemorySecretStore();
        project = MigrationProject.create(dir.resolve("project"), "Fake test");
        project.setSourceEndpoint(new Endpoint("fake", Map.of("host", "source.example")));
        project.setTargetEndpoint(new Endpoint("fake", Map.of("host", "target.example")));
        events = new RecordingListener();
    }

    @AfterEach
    void tearDown() {
        project.close();
    }

    FakeMail.Mailbox sourceUser(String email, String user, String password) throws Exception {
        project.putMailboxes(List.of(new MailboxImport(new MailboxEntry(email, user, null, null), Secret.of(password),
                Secret.of("target-" + user))), secrets);
        target.user(email, "target-" + user);
        return source.user(user, password);
    }

    static void fill(FakeMail.Folder f, String prefix, int count, int days) {
        for (int i = 0; i < count; i++) {
            MessageFlags flags = i % 3 == 0 ? MessageFlags.of(EnumSet.of(SystemFlag.SEEN), List.of("$Label1"))
                    : MessageFlags.NONE;
            f.add(FakeMail.message(prefix + i + "@example.com", prefix + " " + i, 200 + i * 10),
                    BASE.plus(Duration.ofDays((long) days * i)), flags, false);
        }
    }

    /** Compares a source folder with a target folder message by message: bytes, internal date, flags; order-free. */
    static void assertSameMessages(FakeMail.Folder expected, FakeMail.Folder actual) {
        assertSameMessages(expected, actual, Long.MAX_VALUE);
    }

    /** As {@link #assertSameMessages(FakeMail.Folder, FakeMail.Folder)}, for the source messages up to a size. */
    static void assertSameMessages(FakeMail.Folder expected, FakeMail.Folder actual, long maxSize) {
        assertNotNull(actual, "target folder for " + expected.path);
        List<String> e = new ArrayList<>();
        for (FakeMail.Message m : expected.snapshot()) {
            if (!m.deleted() && m.bytes().length <= maxSize) {
                e.add(describe(m));
            }
        }
        List<String> a = new ArrayList<>();
        for (FakeMail.Message m : actual.snapshot()) {
            a.add(describe(m));
        }
        Collections.sort(e);
        Collections.sort(a);
        assertEquals(e, a, "messages of " + expected.path + " vs " + actual.path);
    }

    static String describe(FakeMail.Message m) {
        return new String(m.bytes(), StandardCharsets.ISO_8859_1).hashCode() + "/" + m.bytes().length + "/"
                + m.internalDate() + "/" + m.flags();
    }

    @Test
    void connectionsPerEndpointStayWithinTheEndpointsCap() throws Exception {
        for (int i = 0; i < 6; i++) {
            FakeMail.Mailbox src = sourceUser("user" + i + "@example.com", "user" + i, "pw" + i);
            fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 30, 1);
            fill(src.folder(FolderPath.of("Archive"), SpecialUse.ARCHIVE), "ar", 30, 2);
        }
        project.setSourceEndpoint(project.sourceEndpoint().orElseThrow().with(Endpoint.MAX_CONNECTIONS, "3"));
        project.createBatch("capped", List.of(), BatchOptions.defaults().withMaxParallelMailboxes(6));

        BatchRunResult result = engine.sync(project, "capped", secrets, events);

        assertEquals(BatchState.SYNCED, result.state());
        assertEquals(6 * 60, result.mailboxes().stream().mapToLong(MailboxStatus::copied).sum());
        assertTrue(source.peakSessions.get() <= 3, "source sessions at once: " + source.peakSessions.get());
        assertTrue(target.peakSessions.get() <= 3, "target sessions at once: " + target.peakSessions.get());
        assertEquals(0, source.openSessions.get());
    }

    @Test
    void endpointAdminSecretWinsOverTheCsvPassword() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "csv-password-of-alice");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 5, 1);
        source.passwords.put("alice", "master-secret"); // the server now only takes the admin's password
        secrets.put(SecretKeys.sourceEndpoint(project.id()), Secret.of("master-secret"));
        project.createBatch("admin", List.of(), BatchOptions.defaults());

        BatchRunResult result = engine.sync(project, "admin", secrets, events);

        assertEquals(BatchState.SYNCED, result.state(), String.valueOf(result.mailboxes()));
        assertEquals(5, result.mailboxes().get(0).copied());
        assertEquals("master-secret", project.sourceCredentials(project.mailbox(ALICE).orElseThrow(), secrets).password().reveal());
    }

    @Test
    void copiesEveryFolderWithRolesHierarchyFlagsAndDates() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 40, 1);
        fill(src.folder(FolderPath.of("Sent"), SpecialUse.SENT), "sent", 7, 2);
        fill(src.folder(FolderPath.of("Sent", "2023"), SpecialUse.NONE), "sent23", 3, 3);
        fill(src.folder(FolderPath.of("Work", "Projects"), SpecialUse.NONE), "work", 5, 1);
        FakeMail.Mailbox tgt = target.mailboxes.get(ALICE);
        tgt.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        tgt.folder(FolderPath.of("Sent Items"), SpecialUse.SENT);
        target.roles.put(FolderPath.of("Sent Items"), SpecialUse.SENT);

        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        assertEquals(BatchState.SYNCED, result.state());
        assertSameMessages(src.folder("INBOX"), tgt.folder("INBOX"));
        assertSameMessages(src.folder("Sent"), tgt.folder("Sent Items"));
        assertSameMessages(src.folder("Sent/2023"), tgt.folder("Sent Items/2023"));
        assertSameMessages(src.folder("Work/Projects"), tgt.folder("Work/Projects"));
        assertTrue(tgt.folder("Work") != null, "parent folder created");
        assertEquals(null, tgt.folder("Sent"), "no second Sent folder");
        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, status.state());
        assertEquals(55, status.copied());
        assertEquals(55, status.lastPassCopied());
        assertEquals(55, events.copied.get());
        assertTrue(Files.readString(result.log()).contains("wave1"));

        // nothing new: nothing appended
        int appends = target.appends.get();
        engine.sync(project, "wave1", secrets, events);
        assertEquals(appends, target.appends.get());
    }

    @Test
    void incrementalPassCopiesOnlyNewMessagesAndPushesFlags() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 30, 1);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        int appends = target.appends.get();

        inbox.add(FakeMail.message("new1@example.com", "new", 500), BASE.plus(Duration.ofDays(400)), MessageFlags.NONE,
                false);
        inbox.add(FakeMail.message("new2@example.com", "new", 600), BASE.plus(Duration.ofDays(401)), MessageFlags.NONE,
                false);
        MessageFlags answered = MessageFlags.of(EnumSet.of(SystemFlag.SEEN, SystemFlag.ANSWERED), List.of("Work"));
        inbox.setFlags(2, answered);

        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(appends + 2, target.appends.get(), "only the two new messages are appended");
        assertEquals(2, second.mailboxes().get(0).lastPassCopied());
        assertEquals(32, second.mailboxes().get(0).copied());
        assertSameMessages(inbox, target.mailboxes.get(ALICE).folder("INBOX"));
    }

    @Test
    void renumberedSourceFolderIsRePairedWithoutCopyingAgain() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 25, 1);
        // two identical messages: must stay two, never become one or three
        byte[] twin = FakeMail.message("twin@example.com", "twin", 300);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        int appends = target.appends.get();

        inbox.renumber(99_999);
        inbox.add(FakeMail.message("after@example.com", "after", 300), BASE.plus(Duration.ofDays(900)),
                MessageFlags.NONE, false);
        engine.sync(project, "wave1", secrets, events);

        assertEquals(appends + 1, target.appends.get(), "only the message that arrived after renumbering is copied");
        assertSameMessages(inbox, target.mailboxes.get(ALICE).folder("INBOX"));
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("UIDVALIDITY")), events.notices.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 30, 61})
    void crashAfterTheTargetAcceptedResumesWithoutGapsOrDuplicates(int crashAfter) throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 50, 1);
        byte[] twin = FakeMail.message("twin@example.com", "twin", 300);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        inbox.add(FakeMail.message(null, "no message id", 300), BASE, MessageFlags.NONE, false);
        FakeMail.Folder archive = src.folder(FolderPath.of("Archive"), SpecialUse.NONE);
        fill(archive, "ar", 20, 2);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());

        // odd crash points with two parallel pipelines, even ones with one
        engine.setConnectionsPerMailbox(crashAfter % 2 == 0 ? 1 : 2);
        crashAfterAccepted(crashAfter);
        int appendedBeforeCrash = target.appends.get();
        assertTrue(appendedBeforeCrash >= crashAfter);

        BatchRunResult resumed = resumeAfterCrash();

        assertCopiedExactlyOnce(resumed, 73, inbox, archive);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 260, 640})
    void crashWhileTwoLanesCopyOneFolderResumesWithoutGapsOrDuplicates(int crashAfter) throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 700, 0);
        byte[] twin = FakeMail.message("twin@example.com", "twin", 300);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        FakeMail.Folder archive = src.folder(FolderPath.of("Archive"), SpecialUse.NONE);
        fill(archive, "ar", 20, 2);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        engine.setConnectionsPerMailbox(2);
        crashAfterAccepted(crashAfter);
        assertTrue(source.bodyReaders.get(FolderPath.of("INBOX")).size() >= 2, source.bodyReaders.toString());

        BatchRunResult resumed = resumeAfterCrash();

        assertCopiedExactlyOnce(resumed, 722, inbox, archive);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 200, 360})
    void messagesAlreadyOnTheTargetAreRecordedNotCopiedAlsoAcrossLanesAndACrash(int crashAfter) throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 700, 0);
        byte[] twin = FakeMail.message("twin@example.com", "twin", 300);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        inbox.add(twin, BASE, MessageFlags.NONE, false);
        FakeMail.Folder archive = src.folder(FolderPath.of("Archive"), SpecialUse.NONE);
        fill(archive, "ar", 20, 2);
        // another tool copied every second message of INBOX, and one of the two twins
        FakeMail.Folder targetInbox = target.mailboxes.get(ALICE).folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        List<FakeMail.Message> messages = inbox.snapshot();
        for (int i = 0; i < 700; i += 2) {
            FakeMail.Message m = messages.get(i);
            targetInbox.add(m.bytes(), m.internalDate(), m.flags(), false);
        }
        targetInbox.add(twin, BASE, MessageFlags.NONE, false);
        int present = 351;
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        engine.setConnectionsPerMailbox(2);
        crashAfterAccepted(crashAfter);
        assertTrue(source.bodyReaders.get(FolderPath.of("INBOX")).size() >= 2, source.bodyReaders.toString());

        BatchRunResult resumed = resumeAfterCrash();

        assertEquals(BatchState.SYNCED, resumed.state());
        assertSameMessages(inbox, targetInbox);
        assertSameMessages(archive, target.mailboxes.get(ALICE).folder("Archive"));
        assertEquals(722, resumed.mailboxes().get(0).copied());
        assertEquals(722 - present, target.appends.get(), "only the messages not on the target are appended, once");
        List<FolderStatus> folders = project.folderStatus(ALICE);
        assertEquals(present, folders.stream().mapToLong(FolderStatus::alreadyOnTarget).sum(), folders.toString());
    }

    @Test
    void mailboxBeyondTheItemLimitAlsoRecognisesMessagesOnTheTargetAndGivesThemTheSourcesFlags() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 30, 1);
        FakeMail.Folder targetInbox = target.mailboxes.get(ALICE).folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        List<FakeMail.Message> messages = inbox.snapshot();
        for (int i = 20; i < 30; i++) { // the newest ten are there, unread and flagged
            FakeMail.Message m = messages.get(i);
            targetInbox.add(m.bytes(), m.internalDate(), MessageFlags.parse("\\Flagged"), false);
        }
        project.createBatch("limited", List.of(ALICE), BatchOptions.defaults().withMaxItemsPerMailbox(25));
        BatchRunResult result = engine.sync(project, "limited", secrets, events);

        assertEquals(15, target.appends.get(), "the 25 newest, less the 10 already there");
        assertEquals(25, result.mailboxes().get(0).copied());
        FakeMail.Folder newest = new FakeMail.Folder(FolderPath.of("INBOX"), SpecialUse.INBOX, 1);
        for (FakeMail.Message m : messages.subList(5, 30)) {
            newest.add(m.bytes(), m.internalDate(), m.flags(), false);
        }
        assertSameMessages(newest, targetInbox);
        assertEquals(10, project.folderStatus(ALICE).get(0).alreadyOnTarget());
    }

    /** After a resumed run: the folders are complete on the target, and each message was appended once in all. */
    private void assertCopiedExactlyOnce(BatchRunResult resumed, int messages, FakeMail.Folder... folders) {
        assertEquals(BatchState.SYNCED, resumed.state());
        for (FakeMail.Folder f : folders) {
            assertSameMessages(f, target.mailboxes.get(ALICE).folder(f.path.toString()));
        }
        assertEquals(messages, resumed.mailboxes().get(0).copied());
        assertEquals(messages, target.appends.get(), "every message appended exactly once over both runs");
    }

    @Test
    void aFolderLargerThanTheSplitLimitIsCopiedByOneLaneASmallerOneBySeveral() throws Exception {
        FakeMail.Mailbox large = sourceUser(ALICE, "alice", "pw");
        FakeMail.Mailbox small = sourceUser("bob@example.com", "bob", "pw");
        // one message more than LanePlanner.MAX_SPLIT_FOLDER_MESSAGES
        for (int i = 0; i <= 50_000; i++) {
            large.folder(FolderPath.of("INBOX"), SpecialUse.INBOX).add(FakeMail.message("l" + i + "@example.com", "l", 40),
                    BASE.plusSeconds(i), MessageFlags.NONE, false);
        }
        fill(large.folder(FolderPath.of("Sent"), SpecialUse.SENT), "sent", 5, 1);
        fill(small.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 2000, 0);
        fill(small.folder(FolderPath.of("Sent"), SpecialUse.SENT), "sent", 5, 1);
        Map<String, AtomicInteger> inboxReads = new java.util.concurrent.ConcurrentHashMap<>();
        engine.setPipelineHook(new dev.mailferry.engine.internal.PipelineHook() {
            @Override
            public void scanned(String email, FolderPath folder, boolean changesOnly, long messages) {
                if (folder.isInbox()) {
                    inboxReads.computeIfAbsent(email, e -> new AtomicInteger()).incrementAndGet();
                }
            }
        });
        try {
            project.createBatch("wave1", List.of(), BatchOptions.defaults());
            BatchRunResult result = engine.sync(project, "wave1", secrets, events);
            assertEquals(BatchState.SYNCED, result.state(), result.toString());
        } finally {
            engine.setPipelineHook(null);
        }
        // a split folder is read in its parts, each by its lane
        assertEquals(1, inboxReads.get(ALICE).get(), "the large INBOX is not split");
        assertTrue(inboxReads.get("bob@example.com").get() > 1, "the small INBOX is split: " + inboxReads);
        assertSameMessages(large.folder("INBOX"), target.mailboxes.get(ALICE).folder("INBOX"));
        assertSameMessages(small.folder("INBOX"), target.mailboxes.get("bob@example.com").folder("INBOX"));
    }

    /** Runs batch wave1 until the target accepted {@code crashAfter} messages, then "crashes" the engine. */
    private void crashAfterAccepted(int crashAfter) {
        AtomicInteger accepted = new AtomicInteger();
        engine.setPipelineHook(new dev.mailferry.engine.internal.PipelineHook() {
            @Override
            public void accepted(String email, FolderPath folder, MessageInfo message) {
                if (accepted.incrementAndGet() == crashAfter) {
                    throw new SimulatedCrash();
                }
            }
        });
        assertThrows(SimulatedCrash.class, () -> engine.sync(project, "wave1", secrets, events));
    }

    /** The process "dies": the database is closed with whatever was committed, then a new run of wave1 starts. */
    private BatchRunResult resumeAfterCrash() throws Exception {
        project.close();
        project = MigrationProject.open(dir.resolve("project"));
        engine.setPipelineHook(null);
        return engine.sync(project, "wave1", secrets, events);
    }

    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void sizeLimitDeletedAndItemLimitAreReportedSkips() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 12, 1); // dates BASE+0..11 days
        inbox.add(FakeMail.message("big@example.com", "big", 5000), BASE.plus(Duration.ofDays(100)), MessageFlags.NONE,
                false);
        inbox.add(FakeMail.message("gone@example.com", "deleted", 300), BASE.plus(Duration.ofDays(101)),
                MessageFlags.NONE, true);
        project.createBatch("limits", List.of(ALICE),
                BatchOptions.defaults().withMaxMessageSize(4000).withMaxItemsPerMailbox(10));
        BatchRunResult result = engine.sync(project, "limits", secrets, events);

        FakeMail.Folder copied = target.mailboxes.get(ALICE).folder("INBOX");
        assertEquals(10, copied.snapshot().size());
        // the newest ten of the twelve eligible ones: days 2..11
        for (FakeMail.Message m : copied.snapshot()) {
            assertFalse(m.internalDate().isBefore(BASE.plus(Duration.ofDays(2))), m.internalDate().toString());
        }
        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(4, status.skipped());
        assertEquals(4, events.skipped.size());

        ReportFiles report = project.writeReport("limits");
        String details = Files.readString(report.details(), StandardCharsets.UTF_8);
        assertTrue(details.startsWith("\uFEFFMailbox,Source folder,UID,Message-ID"), details);
        assertTrue(details.contains("larger than the maximum message size"), details);
        assertTrue(details.contains("<big@example.com>"), details);
        assertTrue(details.contains("deleted on the source"), details);
        assertEquals(2, count(details, "beyond the maximum of 10 items"), details);
        String summary = Files.readString(report.summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains("alice@example.com,(all folders),,SYNCED,10,4,0"), summary);

        // raising the limit later copies the skipped ones and no others
        int appends = target.appends.get();
        project.close();
        project = MigrationProject.open(dir.resolve("project"));
        project.createBatch("limits2", List.of(ALICE), BatchOptions.defaults().withMaxMessageSize(4000));
        engine.sync(project, "limits2", secrets, events);
        assertEquals(appends + 2, target.appends.get());
    }

    @Test
    void mailboxWithinTheItemLimitIsPlannedFolderByFolder() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 30, 1);
        inbox.add(FakeMail.message("big@example.com", "big", 5000), BASE, MessageFlags.NONE, false);
        FakeMail.Folder old = src.folder(FolderPath.of("Old"), SpecialUse.NONE);
        fill(old, "old", 20, 1);
        old.add(FakeMail.message("gone@example.com", "deleted", 300), BASE, MessageFlags.NONE, true);
        old.add(FakeMail.message("big2@example.com", "big", 6000), BASE, MessageFlags.NONE, false);
        for (int i = 0; i < 6; i++) {
            fill(src.folder(FolderPath.of("Folder " + i), SpecialUse.NONE), "f" + i, 5 + i, 1);
        }
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults().withMaxMessageSize(4000));
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, status.state(), status.toString());
        assertEquals(30, target.mailboxes.get(ALICE).folder("INBOX").snapshot().size()); // not the big one
        for (int i = 0; i < 6; i++) {
            assertSameMessages(src.folder("Folder " + i), target.mailboxes.get(ALICE).folder("Folder " + i));
        }
        long copiedBytes = 0;
        for (FakeMail.Folder f : target.mailboxes.get(ALICE).list()) {
            for (FakeMail.Message m : f.snapshot()) {
                copiedBytes += m.bytes().length;
            }
        }
        // every lane planned its folders; the mailbox's totals are announced once, with the messages copied
        assertEquals(List.of(ALICE + " " + status.copied() + " " + copiedBytes), events.planned);
        assertEquals(30 + 20 + 5 + 6 + 7 + 8 + 9 + 10, status.copied());
        assertEquals(3, status.skipped());
        assertEquals(3, events.skipped.size(), events.skipped.toString());

        // excluding a folder later forgets its skips: the report lists what this batch skips, and nothing else
        project.createBatch("wave2", List.of(ALICE),
                BatchOptions.defaults().withMaxMessageSize(4000).withExcludedFolders(List.of(FolderPath.of("Old"))));
        MailboxStatus second = engine.sync(project, "wave2", secrets, events).mailboxes().get(0);
        assertEquals(1, second.skipped(), second.toString());
        String details = Files.readString(project.writeReport("wave2").details(), StandardCharsets.UTF_8);
        assertTrue(details.contains("<big@example.com>"), details);
        assertFalse(details.contains("<big2@example.com>"), details);
        assertFalse(details.contains("<gone@example.com>"), details);
    }

    @Test
    void largeFolderIsCopiedBySeveralLanesSideBySide() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 1100, 0);
        // skips in both halves: each is reported once, by whichever part finishes the folder
        inbox.add(FakeMail.message("gone@example.com", "deleted", 300), BASE, MessageFlags.NONE, true);
        fill(inbox, "more", 400, 0);
        inbox.add(FakeMail.message("big@example.com", "big", 30000), BASE, MessageFlags.NONE, false);
        fill(src.folder(FolderPath.of("Sent"), SpecialUse.SENT), "sent", 60, 1);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults().withMaxMessageSize(20000));
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, status.state(), status.toString());
        assertTrue(source.bodyReaders.get(FolderPath.of("INBOX")).size() >= 2, source.bodyReaders.toString());
        FakeMail.Folder copied = target.mailboxes.get(ALICE).folder("INBOX");
        assertEquals(1500, copied.snapshot().size());
        assertEquals(1560, status.copied());
        assertEquals(List.of("INBOX 1101 deleted on the source (flagged \\Deleted, awaiting expunge)",
                "INBOX 1502 larger than the maximum message size"), events.skipped.stream()
                .map(s -> s.replaceAll("(larger than the maximum message size).*", "$1")).sorted().toList());
        assertEquals(1, events.planned.size(), events.planned.toString());
        assertTrue(events.planned.get(0).startsWith(ALICE + " 1560 "), events.planned.toString());
        FolderStatus inboxStatus = project.folderStatus(ALICE).stream()
                .filter(f -> f.source().equals(FolderPath.of("INBOX"))).findFirst().orElseThrow();
        assertEquals(1500, inboxStatus.copied(), inboxStatus.toString());
        assertEquals(2, inboxStatus.skipped(), inboxStatus.toString());

        // the next pass copies only what is new, in either half, and brings changed flags over
        MessageFlags answered = MessageFlags.of(EnumSet.of(SystemFlag.SEEN, SystemFlag.ANSWERED), List.of("Work"));
        inbox.setFlags(3, answered);
        inbox.setFlags(1400, answered);
        inbox.add(FakeMail.message("new@example.com", "new", 500), BASE, MessageFlags.NONE, false);
        int appends = target.appends.get();
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state(), second.toString());
        assertEquals(appends + 1, target.appends.get());
        assertEquals(1501, copied.snapshot().size());
        assertSameMessages(inbox, copied, 20000);
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void targetRejectionIsAFailedMessageAndTheRestContinues() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 10, 1);
        inbox.add(FakeMail.message("odd@example.com", "odd", 900), BASE, MessageFlags.NONE, false);
        target.refusedSubject = "odd";
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED_WITH_ERRORS, status.state(), "a mailbox with a failed message is not synced");
        assertEquals(BatchState.SYNCED_WITH_ERRORS, result.state());
        assertEquals(10, status.copied());
        assertEquals(1, status.failed());
        assertEquals(1, events.failed.size());
        assertTrue(events.failed.get(0).contains("Invalid message header"), events.failed.toString());
        String details = Files.readString(project.writeReport("wave1").details());
        assertTrue(details.contains("failed,refused by the target: NO [PARSE] Invalid message header"), details);

        // once the target takes it, the next pass copies it
        target.refusedSubject = null;
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(11, second.mailboxes().get(0).copied());
        assertEquals(0, second.mailboxes().get(0).failed());
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state());
        assertEquals(BatchState.SYNCED, second.state());
    }

    @Test
    void messageTheTargetRefusesAsTooLargeIsSkippedWithItsReasonAndOfferedAgainNextPass() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 10, 1);
        inbox.add(FakeMail.message("huge@example.com", "huge", 9000), BASE, MessageFlags.NONE, false);
        target.maxAppendSize = 8000;
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        MailboxStatus status = result.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, status.state(), "a skip is no error: " + status);
        assertEquals(BatchState.SYNCED, result.state());
        assertEquals(10, status.copied());
        assertEquals(0, status.failed());
        assertEquals(1, status.skipped());
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        String details = Files.readString(project.writeReport("wave1").details());
        assertTrue(details.contains("skipped,refused by the target as too large: NO [LIMIT] Message too large"), details);

        // a later pass offers it again, and the skip stays (not counted twice) while the target still refuses it
        int appendsBefore = target.appends.get();
        BatchRunResult again = engine.sync(project, "wave1", secrets, events);
        assertEquals(appendsBefore + 1, target.appends.get(), "only the refused message is offered again");
        assertEquals(1, again.mailboxes().get(0).skipped());
        assertEquals(MailboxState.SYNCED, again.mailboxes().get(0).state());

        // once the target's limit is raised, the next pass copies it
        target.maxAppendSize = Long.MAX_VALUE;
        BatchRunResult third = engine.sync(project, "wave1", secrets, events);
        assertEquals(11, third.mailboxes().get(0).copied());
        assertEquals(0, third.mailboxes().get(0).skipped());
        assertEquals(MailboxState.SYNCED, third.mailboxes().get(0).state());
        assertFalse(Files.readString(project.writeReport("wave1").details()).contains("huge@example.com"));
    }

    @Test
    void messagesMissingOnTheTargetWhenReadBackAreReportedAndTheFinalPassStillCompletes() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 6, 1);
        fill(src.folder(FolderPath.of("Projects"), SpecialUse.NONE), "pr", 4, 1);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        BatchRunResult first = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, first.mailboxes().get(0).state());
        FolderStatus projects = project.folderStatus(ALICE).stream()
                .filter(f -> f.source().equals(FolderPath.of("Projects"))).findFirst().orElseThrow();
        assertEquals(new FolderStatus.ReadBack(4, 4), projects.readBack(), "read back after the pass");

        // someone deletes two copied messages on the target (or the target loses them)
        FakeMail.Folder onTarget = target.mailboxes.get(ALICE).folder("Projects");
        onTarget.remove(0);
        onTarget.remove(0);
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);

        MailboxStatus alice = second.mailboxes().get(0);
        assertEquals(MailboxState.SYNCED, alice.state(), "a shortfall is reported, not an error: " + alice);
        assertTrue(events.notices.contains("Read back from the target: 2 messages recorded as copied are not there"
                + " (Projects holds 2 of 4); deleted or moved on the target since, or lost by it (see the report)"),
                events.notices.toString());
        String summary = Files.readString(project.writeReport("wave1").summary());
        assertTrue(summary.contains(",2,\"read back: the target folder holds 2 messages, fewer than the 4 recorded as"
                + " copied there"), summary);

        // the final pass runs when users may already work in the target: it completes, the report keeps the counts
        BatchRunResult last = engine.complete(project, "wave1", secrets, events);
        assertEquals(BatchState.COMPLETED, last.state(), last.toString());
        assertEquals(MailboxState.COMPLETED, last.mailboxes().get(0).state());
    }

    @Test
    void aTargetThatCannotCountItsMessagesIsNotReadBack() throws Exception {
        target.countsMessages = false;
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 3, 1);
        project.createBatch("wave1", List.of(ALICE), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        target.mailboxes.get(ALICE).folder("INBOX").remove(0);
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state());
        assertTrue(project.folderStatus(ALICE).stream().allMatch(f -> f.readBack() == null));
    }

    @Test
    void wrongPasswordFailsThatMailboxOnly() throws Exception {
        FakeMail.Mailbox alice = sourceUser(ALICE, "alice", "pw");
        fill(alice.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "a", 5, 1);
        FakeMail.Mailbox bob = sourceUser(BOB, "bob", "right");
        for (String name : List.of("INBOX", "Sent", "Archive", "Projects")) {
            fill(bob.folder(FolderPath.of(name), SpecialUse.NONE), name, 3, 1);
        }
        source.passwords.put("bob", "changed-by-the-user");
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        assertEquals(BatchState.SYNCED_WITH_ERRORS, result.state());
        assertEquals(1, result.failedMailboxes());
        MailboxStatus a = result.mailboxes().get(0);
        MailboxStatus b = result.mailboxes().get(1);
        assertEquals(ALICE, a.emailAddress());
        assertEquals(MailboxState.SYNCED, a.state());
        assertEquals(5, a.copied());
        assertEquals(MailboxState.FAILED, b.state());
        assertTrue(b.lastError().startsWith("Login refused: Source:"), b.lastError());
        assertFalse(b.lastError().contains("right"), "no password in the error");
        assertFalse(Files.readString(result.log()).contains("changed-by-the-user"));
        assertTrue(events.retries.isEmpty(), "a refused login is not retried");
        // the lanes log in only once the first login succeeded: one refusal, not one per lane
        assertEquals(1, source.loginAttempts.get("bob").get());
    }

    @Test
    void lanesLogInWhileThePassPlansAndSessionsNoLaneTakesAreClosed() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 20, 1);
        fill(src.folder(FolderPath.of("Old"), SpecialUse.NONE), "old", 20, 2);
        fill(src.folder(FolderPath.of("Older"), SpecialUse.NONE), "older", 20, 3);
        // three folders to copy, but all into INBOX: one target folder keeps to one lane
        BatchOptions options = BatchOptions.defaults().withFolderMapping(
                Map.of(FolderPath.of("Old"), FolderPath.of("INBOX"), FolderPath.of("Older"), FolderPath.of("INBOX")));
        project.createBatch("wave1", List.of(), options);

        BatchRunResult result = engine.sync(project, "wave1", secrets, events);

        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state());
        assertEquals(60, result.mailboxes().get(0).copied());
        assertEquals(60, target.mailboxes.get(ALICE).folder("INBOX").snapshot().size());
        // sessions for two more lanes were opened as soon as the three folders were listed...
        assertEquals(3, source.peakSessions.get());
        assertEquals(3, target.peakSessions.get());
        // ...and closed although no lane took them
        assertEquals(0, source.openSessions.get());
        assertEquals(0, target.openSessions.get());
    }

    @Test
    void transientConnectionErrorsAreRetried() throws Exception {
        FakeMail.Mailbox alice = sourceUser(ALICE, "alice", "pw");
        fill(alice.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "a", 5, 1);
        source.connectionFailures.set(2);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state());
        // failures to connect are the endpoint's: retried on the endpoint's schedule, which the notices announce
        assertEquals(2, events.notices.stream().filter(n -> n.contains("source server could not be reached")).count(),
                events.notices.toString());

        source.connectionFailures.set(5);
        BatchRunResult failed = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.FAILED, failed.mailboxes().get(0).state());
        assertTrue(failed.mailboxes().get(0).lastError().startsWith("Connection failed"));
    }

    @Test
    void excludedAndMappedFolders() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        fill(src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX), "in", 3, 1);
        fill(src.folder(FolderPath.of("Junk"), SpecialUse.JUNK), "junk", 3, 1);
        fill(src.folder(FolderPath.of("Old"), SpecialUse.NONE), "old", 2, 1);
        fill(src.folder(FolderPath.of("Old", "2019"), SpecialUse.NONE), "old19", 2, 1);
        BatchOptions options = BatchOptions.defaults().withExcludedFolders(List.of(FolderPath.of("Junk")))
                .withFolderMapping(Map.of(FolderPath.of("Old"), FolderPath.of("Archive", "Old mail")));
        project.createBatch("wave1", List.of(), options);
        engine.sync(project, "wave1", secrets, events);
        FakeMail.Mailbox tgt = target.mailboxes.get(ALICE);
        assertEquals(null, tgt.folder("Junk"));
        assertSameMessages(src.folder("Old"), tgt.folder("Archive/Old mail"));
        assertSameMessages(src.folder("Old/2019"), tgt.folder("Archive/Old mail/2019"));
        String summary = Files.readString(project.writeReport("wave1").summary());
        assertTrue(summary.contains("excluded by the batch settings (Junk)"), summary);
    }

    @Test
    void completedBatchRefusesFurtherSyncs() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 3, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        inbox.add(FakeMail.message("late@example.com", "late", 300), BASE, MessageFlags.NONE, false);
        BatchRunResult done = engine.complete(project, "wave1", secrets, events);
        assertEquals(BatchState.COMPLETED, done.state());
        assertEquals(MailboxState.COMPLETED, done.mailboxes().get(0).state());
        assertEquals(4, target.mailboxes.get(ALICE).folder("INBOX").snapshot().size());
        MigrationException e = assertThrows(MigrationException.class,
                () -> engine.sync(project, "wave1", secrets, events));
        assertTrue(e.getMessage().contains("completed"));
        assertEquals(BatchState.COMPLETED, project.batch("wave1").orElseThrow().state());
    }

    @Test
    void largeMessagesAreStreamedNotBuffered() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        // above a quarter of the per-mailbox byte budget: takes the streaming path
        inbox.add(FakeMail.message("large@example.com", "large", 6 * 1024 * 1024), BASE, MessageFlags.NONE, false);
        fill(inbox, "in", 5, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        assertSameMessages(inbox, target.mailboxes.get(ALICE).folder("INBOX"));
    }

    @Test
    void messagesGoneFromTheSourceAreReportedAndKeptOnTheTarget() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 6, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        engine.sync(project, "wave1", secrets, events);
        synchronized (inbox) {
            inbox.messages.remove(0);
            inbox.messages.remove(0);
        }
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(2, second.mailboxes().get(0).vanished());
        assertEquals(4, second.mailboxes().get(0).copied());
        assertEquals(6, target.mailboxes.get(ALICE).folder("INBOX").snapshot().size(), "nothing deleted on the target");
        assertTrue(events.notices.stream().anyMatch(n -> n.contains("2 messages copied earlier from INBOX are no longer")),
                events.notices.toString());
        String summary = Files.readString(project.writeReport("wave1").summary());
        assertTrue(summary.contains("INBOX,INBOX,,4,0,0,2,"), summary);
    }

    @Test
    void mirrorDeletionOnATargetThatCannotDeleteDeletesNothingAndSaysSo() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 6, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults().withMirrorDeletions(true));
        engine.sync(project, "wave1", secrets, events);
        synchronized (inbox) {
            inbox.messages.remove(0);
        }
        BatchRunResult second = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, second.mailboxes().get(0).state(), "not a failed copy");
        assertEquals(1, second.mailboxes().get(0).vanished(), "still recorded as kept on the target");
        assertEquals(6, target.mailboxes.get(ALICE).folder("INBOX").snapshot().size(), "nothing deleted on the target");
        assertTrue(events.notices.contains("Mirror deletion is not possible in the target folder INBOX: this target"
                + " cannot delete the messages it holds; the messages expunged on the source stay there"),
                events.notices.toString());
    }

    @Test
    void stopRequestEndsThePassEarlyAndTheNextRunFinishes() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 600, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        engine.setConnectionsPerMailbox(1);
        // deterministic: "stop" from the fifth question on (mailbox start, scan, folder, first page, second page)
        AtomicInteger questions = new AtomicInteger();
        BatchRunResult stopped = engine.sync(project, "wave1", secrets, events, () -> questions.incrementAndGet() >= 5);
        MailboxStatus s = stopped.mailboxes().get(0);
        assertEquals(MailboxState.STOPPED, s.state());
        assertEquals(BatchState.STOPPED, stopped.state());
        assertTrue(s.lastError().startsWith("Stopped on request"), s.lastError());
        assertTrue(s.copied() > 0 && s.copied() < 600, "stopped early: " + s.copied());
        BatchRunResult finished = engine.sync(project, "wave1", secrets, events);
        assertEquals(MailboxState.SYNCED, finished.mailboxes().get(0).state());
        assertSameMessages(inbox, target.mailboxes.get(ALICE).folder("INBOX"));
    }

    @Test
    void aBatchKeptInSyncRunsAPassOnScheduleUntilAnotherProcessAsksItToStop() throws Exception {
        FakeMail.Mailbox src = sourceUser(ALICE, "alice", "pw");
        FakeMail.Folder inbox = src.folder(FolderPath.of("INBOX"), SpecialUse.INBOX);
        fill(inbox, "in", 5, 1);
        project.createBatch("wave1", List.of(), BatchOptions.defaults());
        java.util.concurrent.BlockingQueue<java.time.Instant> scheduled = new java.util.concurrent.LinkedBlockingQueue<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void nextPassScheduled(String batch, java.time.Instant when) {
                scheduled.add(when);
            }
        };
        assertFalse(project.requestStop("wave1"), "nothing runs yet: nothing to stop");
        java.util.concurrent.CompletableFuture<BatchRunResult> kept = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return engine.keepInSync(project, "wave1", secrets, listener, () -> false,
                                java.time.Duration.ofSeconds(1));
                    } catch (MigrationException e) {
                        throw new IllegalStateException(e);
                    }
                });
        java.time.Instant first = scheduled.poll(20, java.util.concurrent.TimeUnit.SECONDS);
        assertNotNull(first, "a second pass is scheduled after the first");
        assertEquals(5, target.mailboxes.get(ALICE).folder("INBOX").size());
        // a reader of the project (another process would open it read-only) sees the next pass
        assertTrue(project.nextPass("wave1").isPresent());
        inbox.add(FakeMail.message("later@example.com", "later", 300), BASE, MessageFlags.NONE, false);
        assertNotNull(scheduled.poll(20, java.util.concurrent.TimeUnit.SECONDS), "the next pass ran and scheduled one more");
        assertEquals(6, target.mailboxes.get(ALICE).folder("INBOX").size(), "the scheduled pass copied the new message");

        assertTrue(project.requestStop("wave1"), "asked while kept in sync");
        BatchRunResult last = kept.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(BatchState.SYNCED, last.state(), "stopped between passes: the batch is as its last pass left it");
        assertTrue(project.nextPass("wave1").isEmpty());
        assertFalse(project.requestStop("wave1"), "nothing runs any more");
        // a later pass is not stopped by the request that ended this one
        assertEquals(BatchState.SYNCED, engine.sync(project, "wave1", secrets, events).state());
    }

    /** Collects events; thread safe. */
    static final class RecordingListener implements MigrationListener {
        final AtomicInteger copied = new AtomicInteger();
        final List<String> skipped = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
        final List<String> notices = new CopyOnWriteArrayList<>();
        final List<String> retries = new CopyOnWriteArrayList<>();
        final List<String> planned = new CopyOnWriteArrayList<>();

        @Override
        public void mailboxPlanned(String email, long messages, long bytes) {
            planned.add(email + " " + messages + " " + bytes);
        }

        @Override
        public void messageCopied(String email, FolderPath source, MessageInfo message) {
            copied.incrementAndGet();
        }

        @Override
        public void messageSkipped(String email, FolderPath source, MessageInfo message, String reason) {
            skipped.add(source + " " + message.uid() + " " + reason);
        }

        @Override
        public void messageFailed(String email, FolderPath source, MessageInfo message, String reason) {
            failed.add(source + " " + message.uid() + " " + reason);
        }

        @Override
        public void notice(String email, String text) {
            notices.add(text);
        }

        @Override
        public void mailboxRetrying(String email, int attempt, String reason, Duration delay) {
            retries.add(reason);
        }
    }

    static String[] lines(String s) {
        return Arrays.stream(s.split("\r\n")).toArray(String[]::new);
    }
}
