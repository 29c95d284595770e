package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.DemoEnvironmentServer;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The states and exit codes of {@code mailferry batch ...} when a pass does not simply succeed, and reading a batch's
 * status while a pass runs; against real Dovecot servers, the source's INBOXes each with an empty message file that
 * Dovecot refuses to store by APPEND.
 */
class BatchStatesCommandTest {

    @TempDir
    static Path root;

    private static DemoEnvironment demo;

    @BeforeAll
    static void startServers() throws IOException {
        System.setProperty("mailferry.secrets.dir", root.resolve("secrets").toString());
        demo = DemoEnvironment.builder(root.resolve("servers")).users(2).corpus(CorpusSpec.small(41, 40)).start();
        for (DemoEnvironmentUser u : demo.users()) {
            ((DovecotServer) demo.sourceServer()).addEmptyInboxMessage(u.sourceUserName());
        }
    }

    @AfterAll
    static void stopServers() {
        if (demo != null) {
            demo.close();
        }
    }

    /** A project between the demo servers (plain IMAP) with the demo's mailboxes and a batch "wave1" of them all. */
    private static Path project(String name, boolean withPasswords) throws IOException {
        Path project = root.resolve(name);
        assertEquals(0, mailferry("project", "create", project.toString(), "--name", name).exitCode());
        DemoEnvironmentServer source = demo.source();
        DemoEnvironmentServer target = demo.target();
        assertEquals(0, mailferry("source", "set", "-p", project.toString(), "--host", source.host(), "--port",
                String.valueOf(source.imapPort()), "--security", "none").exitCode());
        assertEquals(0, mailferry("target", "set", "-p", project.toString(), "--host", target.host(), "--port",
                String.valueOf(target.imapPort()), "--security", "none").exitCode());
        StringBuilder csv = new StringBuilder("EmailAddress;UserName;Password;TargetUserName;TargetPassword\n");
        for (DemoEnvironmentUser u : demo.users()) {
            csv.append(u.emailAddress()).append(';').append(u.sourceUserName()).append(';')
                    .append(withPasswords ? u.sourcePassword() : "").append(';').append(u.targetUserName()).append(';')
                    .append(withPasswords ? u.targetPassword() : "").append('\n');
        }
        Path file = root.resolve(name + ".csv");
        Files.writeString(file, csv);
        CommandRun imported = withPasswords ? mailferry("mailboxes", "import", "-p", project.toString(), file.toString())
                : mailferry("mailboxes", "import", "-p", project.toString(), "--passwords-optional", file.toString());
        assertEquals(0, imported.exitCode(), imported.out() + imported.err());
        assertEquals(0, mailferry("batch", "create", "-p", project.toString(), "wave1").exitCode());
        return project;
    }

    @Test
    void failedMessagesMakeTheBatchSyncedWithErrorsAndExitOne() throws IOException {
        Path project = project("refused", true);

        CommandRun start = mailferry("batch", "start", "-p", project.toString(), "wave1", "--quiet");

        assertEquals(ExitCodes.PARTIAL, start.exitCode(), start.out() + start.err());
        assertTrue(start.out().contains("Batch 'wave1' is SYNCED_WITH_ERRORS"), start.out());
        CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
        assertEquals(ExitCodes.PARTIAL, status.exitCode(), status.out() + status.err());
        assertTrue(status.out().startsWith("Batch 'wave1': SYNCED_WITH_ERRORS"), status.out());
        for (DemoEnvironmentUser u : demo.users()) {
            String row = status.out().lines().filter(l -> l.startsWith(u.emailAddress() + " ")).findFirst().orElseThrow();
            assertTrue(row.contains(" SYNCED_WITH_ERRORS "), row);
            assertTrue(row.contains("failed (see the report); the next pass tries them again"), row);
        }
        CommandRun list = mailferry("batch", "list", "-p", project.toString());
        assertTrue(list.out().contains("SYNCED_WITH_ERRORS"), list.out());
        List<String> details = Files.readAllLines(project.resolve("reports").resolve("wave1-details.csv"));
        assertTrue(details.stream().anyMatch(l -> l.contains(",failed,refused by the target: Can't save a zero byte message")),
                details.toString());
    }

    @Test
    void aBatchsOptionsAreChangedAPassRunsOverOneOfItsMailboxesAndAnotherIsTakenOut() throws Exception {
        Path project = project("edit", true);
        String first = demo.users().get(0).emailAddress();
        String second = demo.users().get(1).emailAddress();

        CommandRun set = mailferry("batch", "set", "-p", project.toString(), "wave1", "--exclude-folder", "Junk",
                "--map-folder", "Sent=Old Sent", "--max-items", "1000", "--mirror-deletions");
        assertEquals(0, set.exitCode(), set.out() + set.err());
        try (MigrationProject p = MigrationProject.openReadOnly(project)) {
            var options = p.batch("wave1").orElseThrow().options();
            assertEquals(List.of(FolderPath.of("Junk")), options.excludedFolders());
            assertEquals(java.util.Map.of(FolderPath.of("Sent"), FolderPath.of("Old Sent")), options.folderMapping());
            assertEquals(1000, options.maxItemsPerMailbox());
            assertTrue(options.mirrorDeletions());
            assertEquals(dev.mailferry.engine.BatchOptions.defaults().maxMessageSize(), options.maxMessageSize(),
                    "an option not given stays");
        }
        assertEquals(ExitCodes.USAGE, mailferry("batch", "set", "-p", project.toString(), "wave1", "--exclude-folder",
                "/").exitCode());

        CommandRun start = mailferry("batch", "start", "-p", project.toString(), "wave1", "--mailbox", first, "--quiet");
        // the source INBOX's empty message is refused by the target: that mailbox is synced with errors
        assertEquals(ExitCodes.PARTIAL, start.exitCode(), start.out() + start.err());
        CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
        String firstRow = status.out().lines().filter(l -> l.startsWith(first + " ")).findFirst().orElseThrow();
        String secondRow = status.out().lines().filter(l -> l.startsWith(second + " ")).findFirst().orElseThrow();
        assertTrue(firstRow.contains(" SYNCED_WITH_ERRORS "), firstRow);
        assertTrue(secondRow.contains(" QUEUED "), "the other mailbox was not run: " + secondRow);

        CommandRun remove = mailferry("batch", "remove", "-p", project.toString(), "wave1", second);
        assertEquals(0, remove.exitCode(), remove.out() + remove.err());
        try (MigrationProject p = MigrationProject.openReadOnly(project)) {
            assertEquals(List.of(first), p.batch("wave1").orElseThrow().mailboxes());
        }
        CommandRun unknown = mailferry("batch", "remove", "-p", project.toString(), "wave1", "nobody@example.org");
        assertEquals(ExitCodes.CONFIGURATION, unknown.exitCode(), unknown.out());
        assertTrue(unknown.err().contains("nobody@example.org"), unknown.err());
    }

    @Test
    void missingPasswordsFailEveryMailboxBeforeAnyLogin() throws IOException {
        Path project = project("no-secrets", false);

        CommandRun start = mailferry("batch", "start", "-p", project.toString(), "wave1", "--quiet");

        assertEquals(ExitCodes.PARTIAL, start.exitCode(), start.out() + start.err());
        assertTrue(start.out().contains("Batch 'wave1' is FAILED"), start.out());
        for (DemoEnvironmentUser u : demo.users()) {
            String row = start.out().lines().filter(l -> l.startsWith(u.emailAddress() + " ")).findFirst().orElseThrow();
            assertTrue(row.contains(" FAILED ") && row.endsWith(
                    "Source and target: no stored password: import the CSV again or set it"), row);
        }
    }

    @Test
    void anUnreachableSourceServerIsOneLineAndExitFour() throws IOException {
        Path project = project("source-down", true);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(0, mailferry("source", "set", "-p", project.toString(), "--host", "127.0.0.1", "--port",
                String.valueOf(closedPort), "--security", "none").exitCode());
        EndpointCommand.services().engine().setRetryPolicy(2, Duration.ofMillis(200));
        CommandRun start;
        try {
            start = mailferry("batch", "start", "-p", project.toString(), "wave1", "--quiet");
        } finally {
            EndpointCommand.services().engine().setRetryPolicy(3, Duration.ofSeconds(5));
        }

        assertEquals(ExitCodes.CONNECTION, start.exitCode(), start.out() + start.err());
        List<String> lines = start.err().lines().toList();
        assertEquals(1, lines.size(), start.err());
        assertTrue(lines.get(0).startsWith("The source server could not be reached, so no mailbox was synced: "),
                lines.get(0));
        assertTrue(lines.get(0).contains("127.0.0.1:" + closedPort), lines.get(0));
        assertTrue(start.out().contains("Batch 'wave1' is FAILED"), start.out());
    }

    @Test
    void ctrlCWaitsUntilThePassHasRecordedThatItStopped() throws Exception {
        Path project = project("ctrl-c", true);
        AtomicReference<CommandRun> start = new AtomicReference<>();
        Thread pass = new Thread(() -> start.set(mailferry("batch", "start", "-p", project.toString(), "wave1")));
        pass.start();
        Thread hook = null;
        for (int i = 0; i < 600 && hook == null && pass.isAlive(); i++) {
            hook = BatchCommand.runningStopHook;
            Thread.sleep(10);
        }
        assertTrue(hook != null, "the pass did not start: " + start.get());
        // what the JVM does on Ctrl-C: run the hook, then end the process as soon as the hook returns
        hook.run();
        try (MigrationProject p = MigrationProject.openReadOnly(project)) {
            assertEquals(dev.mailferry.engine.BatchState.STOPPED, p.batch("wave1").orElseThrow().state(),
                    "recorded before the hook returned");
        }
        pass.join(60_000);
        assertEquals(ExitCodes.INTERRUPTED, start.get().exitCode(), start.get().out() + start.get().err());
        CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
        assertTrue(status.out().startsWith("Batch 'wave1': STOPPED"), status.out());
    }

    @Test
    void statusAndListReadABatchWhileItsPassRuns() throws Exception {
        Path project = project("watched", true);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch watched = new CountDownLatch(1);
        AtomicInteger copied = new AtomicInteger();
        AtomicReference<Object> outcome = new AtomicReference<>();
        // the pass runs as "batch start" in another terminal would; it pauses after some committed copies
        Thread pass = new Thread(() -> {
            try (MigrationProject p = MigrationProject.open(project)) {
                outcome.set(EndpointCommand.services().engine().sync(p, "wave1", EndpointCommand.services().secrets(),
                        new MigrationListener() {
                            @Override
                            public void messageCopied(String email, FolderPath source, MessageInfo message) {
                                if (copied.incrementAndGet() == 5) {
                                    paused.countDown();
                                    try {
                                        watched.await(30, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }
                        }));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        pass.start();
        try {
            assertTrue(paused.await(60, TimeUnit.SECONDS), "the pass did not get going: " + outcome.get());
            CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
            CommandRun list = mailferry("batch", "list", "-p", project.toString());
            CommandRun mailboxes = mailferry("mailboxes", "list", "-p", project.toString());
            CommandRun show = mailferry("project", "show", "-p", project.toString());
            CommandRun report = mailferry("batch", "report", "-p", project.toString(), "wave1");

            assertEquals(ExitCodes.OK, status.exitCode(), status.out() + status.err());
            assertTrue(status.out().startsWith("Batch 'wave1': SYNCING"), status.out());
            // the progress committed so far is visible: the mailbox row shows what is copied
            assertTrue(status.out().lines().map(l -> l.split("\\s+")).anyMatch(
                    row -> row.length > 2 && row[1].equals("SYNCING") && Long.parseLong(row[2]) >= 5), status.out());
            assertEquals(ExitCodes.OK, list.exitCode(), list.err());
            assertTrue(list.out().contains("SYNCING"), list.out());
            assertEquals(ExitCodes.OK, mailboxes.exitCode(), mailboxes.err());
            assertEquals(ExitCodes.OK, show.exitCode(), show.err());
            assertEquals(ExitCodes.OK, report.exitCode(), report.err());
        } finally {
            watched.countDown();
            pass.join(60_000);
        }
        assertTrue(outcome.get() instanceof BatchRunResult, String.valueOf(outcome.get()));
        CommandRun after = mailferry("batch", "status", "-p", project.toString(), "wave1");
        assertFalse(after.out().contains("SYNCING"), after.out());
    }

    @Test
    void aBatchKeptInSyncShowsItsNextPassAndStopsWhenAnotherCommandSaysSo() throws Exception {
        Path project = project("kept", true);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        // "batch start wave1 --every 1h" in another terminal
        Thread kept = new Thread(() -> {
            try (MigrationProject p = MigrationProject.open(project)) {
                outcome.set(EndpointCommand.services().engine().keepInSync(p, "wave1",
                        EndpointCommand.services().secrets(), new MigrationListener() {
                            @Override
                            public void nextPassScheduled(String batch, java.time.Instant when) {
                                waiting.countDown();
                            }
                        }, () -> false, Duration.ofHours(1)));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        kept.start();
        try {
            assertTrue(waiting.await(60, TimeUnit.SECONDS), "the first pass did not end: " + outcome.get());
            CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
            assertTrue(status.out().lines().findFirst().orElseThrow().contains(", next pass "), status.out());

            CommandRun stop = mailferry("batch", "stop", "-p", project.toString(), "wave1", "--wait", "30");

            assertEquals(ExitCodes.OK, stop.exitCode(), stop.out() + stop.err());
            assertTrue(stop.out().contains("Asked the pass over batch 'wave1' to stop."), stop.out());
            assertTrue(stop.out().contains("Batch 'wave1' stopped: SYNCED_WITH_ERRORS."), stop.out());
        } finally {
            kept.join(30_000);
        }
        assertTrue(outcome.get() instanceof BatchRunResult, String.valueOf(outcome.get()));
        CommandRun again = mailferry("batch", "stop", "-p", project.toString(), "wave1");
        assertEquals(ExitCodes.OK, again.exitCode());
        assertEquals("No pass is running over batch 'wave1'.", again.out().strip());
        CommandRun status = mailferry("batch", "status", "-p", project.toString(), "wave1");
        assertFalse(status.out().lines().findFirst().orElseThrow().contains(", next pass "), status.out());
    }

    @Test
    void theTimeBetweenPassesIsWrittenAsPeopleWriteIt() {
        PassInterval interval = new PassInterval();
        assertEquals(Duration.ofHours(24), interval.convert("24h"));
        assertEquals(Duration.ofMinutes(90), interval.convert("1h30m"));
        assertEquals(Duration.ofDays(2), interval.convert("2d"));
        assertEquals(Duration.ofHours(6), interval.convert("PT6H"));
        CommandRun zero = mailferry("batch", "start", "-p", root.toString(), "wave1", "--every", "0s");
        assertEquals(ExitCodes.USAGE, zero.exitCode(), zero.out() + zero.err());
        assertTrue(zero.err().contains("'0s' is shorter than a second"), zero.err());
        CommandRun words = mailferry("batch", "start", "-p", root.toString(), "wave1", "--every", "daily");
        assertEquals(ExitCodes.USAGE, words.exitCode());
        assertTrue(words.err().contains("'daily' is not a duration such as 24h"), words.err());
    }
}
