package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironmentUser;
import dev.mailferry.demo.DovecotServer;
import dev.mailferry.engine.internal.PipelineHook;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the states, errors and reports say after passes that did not simply succeed, against real Dovecot servers:
 * a target over quota, messages the target refuses, lost secrets, a source server that is down, a stop request, and
 * a status read while a pass runs.
 */
class DovecotOutcomeTest extends DovecotTestBase {

    /** Every message on the target is one of the source's, in the same folder, and none is there twice. */
    private void assertTargetHoldsOnlySourceMessages(DemoEnvironmentUser u, long recordedCopied) throws Exception {
        Map<FolderPath, List<String>> source;
        Map<FolderPath, List<String>> target;
        try (ImapProbe s = sourceProbe(u); ImapProbe t = targetProbe(u)) {
            source = nonEmpty(s.snapshot());
            target = nonEmpty(t.snapshot());
        }
        long onTarget = 0;
        for (Map.Entry<FolderPath, List<String>> folder : target.entrySet()) {
            List<String> left = new ArrayList<>(source.getOrDefault(folder.getKey(), List.of()));
            for (String message : folder.getValue()) {
                assertTrue(left.remove(message), "not on the source, or twice on the target: " + folder.getKey() + " "
                        + message);
                onTarget++;
            }
        }
        assertEquals(recordedCopied, onTarget, "messages on the target = messages recorded as copied");
    }

    @Test
    void targetOverQuotaStopsTheMailboxWithOneReasonAndTheNextPassTriesAgain() throws Exception {
        start(1, CorpusSpec.small(31, 150), b -> b.targetQuota(1L << 20));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult first = engine.sync(project, "all", secrets, events);

        MailboxStatus alice = first.mailboxes().get(0);
        assertEquals(MailboxState.FAILED, alice.state(), alice.toString());
        assertEquals(BatchState.FAILED, first.state(), "the only mailbox failed");
        assertTrue(alice.lastError().startsWith("Refused by the target: "), alice.lastError());
        assertTrue(alice.lastError().contains("[OVERQUOTA]"), alice.lastError());
        assertTrue(alice.lastError().contains(alice.lastPassCopied() + " messages copied in this pass"), alice.lastError());
        assertTrue(alice.copied() > 0, "what fitted was copied and recorded: " + alice);
        assertTrue(events.failed.isEmpty(), "no line per refused message: " + events.failed.size());
        assertEquals(0, alice.failed(), "no message is recorded as failed for the mailbox's refusal");
        String details = Files.readString(project.writeReport("all").details(), StandardCharsets.UTF_8);
        assertEquals(1, details.strip().split("\n").length, "no failed rows in the report: " + details);
        String summary = Files.readString(project.writeReport("all").summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains(",FAILED,"), summary);

        // the next pass tries again (and is refused again), resolving appends that were in flight: no duplicates
        BatchRunResult second = engine.sync(project, "all", secrets, events);
        MailboxStatus again = second.mailboxes().get(0);
        assertEquals(MailboxState.FAILED, again.state(), again.toString());
        assertTrue(again.lastError().contains("[OVERQUOTA]"), again.lastError());
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        assertTargetHoldsOnlySourceMessages(demo.users().get(0), again.copied());
    }

    @Test
    void messagesTheTargetRefusesLeaveTheMailboxSyncedWithErrorsAndAreTriedAgain() throws Exception {
        start(2, CorpusSpec.small(32, 60));
        for (DemoEnvironmentUser u : demo.users()) {
            for (int i = 0; i < 2; i++) {
                ((DovecotServer) demo.sourceServer()).addEmptyInboxMessage(u.sourceUserName());
            }
        }
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult first = engine.sync(project, "all", secrets, events);

        assertEquals(BatchState.SYNCED_WITH_ERRORS, first.state());
        for (MailboxStatus m : first.mailboxes()) {
            assertEquals(MailboxState.SYNCED_WITH_ERRORS, m.state(), m.toString());
            assertEquals(2, m.failed(), m.toString());
            assertEquals("2 messages failed (see the report); the next pass tries them again", m.lastError());
        }
        assertEquals(4, events.failed.size(), "one line per refused message: " + events.failed);
        List<String> details = Files.readAllLines(project.writeReport("all").details(), StandardCharsets.UTF_8);
        assertEquals(4, details.stream().filter(l -> l.contains(",failed,refused by the target: Can't save a zero byte"
                + " message")).count(), details.toString());

        // the next pass tries the failed messages again (and the target refuses them again): nothing else is copied
        FakeEngineTest.RecordingListener retry = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, retry);
        assertEquals(4, retry.failed.size(), "every failed message was tried again");
        assertEquals(0, retry.copied.get());
        assertEquals(BatchState.SYNCED_WITH_ERRORS, second.state());
        for (int i = 0; i < 2; i++) {
            assertTargetHoldsOnlySourceMessages(demo.users().get(i), second.mailboxes().get(i).copied());
        }
    }

    @Test
    void messagesTooLargeForTheTargetAreSkippedWithItsReasonAndOfferedAgainNextPass() throws Exception {
        long limit = 100 * 1024;
        start(2, CorpusSpec.small(32, 60), b -> b.targetMaxMessageSize(limit));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult first = engine.sync(project, "all", secrets, events);

        assertEquals(BatchState.SYNCED, first.state(), "a skip is no error");
        assertTrue(events.failed.isEmpty(), events.failed.toString());
        String tooLarge = "refused by the target as too large: [LIMIT] Mail size is larger than the maximum size";
        long refused = events.skipped.stream().filter(l -> l.contains(tooLarge)).count();
        assertTrue(refused > 0, "the corpus has messages over 100 KB: " + events.skipped);
        for (MailboxStatus m : first.mailboxes()) {
            assertEquals(MailboxState.SYNCED, m.state(), m.toString());
            assertEquals(0, m.failed(), m.toString());
            assertTrue(m.skipped() > 0, m.toString());
        }
        List<String> details = Files.readAllLines(project.writeReport("all").details(), StandardCharsets.UTF_8);
        assertEquals(refused, details.stream().filter(l -> l.contains(",skipped," + tooLarge)).count(),
                details.toString());
        for (DemoEnvironmentUser u : demo.users()) {
            try (ImapProbe t = targetProbe(u)) {
                for (List<String> messages : t.snapshot().values()) {
                    for (String m : messages) {
                        assertTrue(Long.parseLong(m.split(" ")[1]) <= limit, m);
                    }
                }
            }
        }

        // the next pass offers them again (the limit may have been raised) and records the same skips, no more
        FakeEngineTest.RecordingListener retry = new FakeEngineTest.RecordingListener();
        BatchRunResult second = engine.sync(project, "all", secrets, retry);
        assertEquals(refused, retry.skipped.stream().filter(l -> l.contains(tooLarge)).count());
        assertEquals(0, retry.copied.get());
        assertEquals(BatchState.SYNCED, second.state());
        for (int i = 0; i < 2; i++) {
            assertEquals(first.mailboxes().get(i).skipped(), second.mailboxes().get(i).skipped());
            assertTargetHoldsOnlySourceMessages(demo.users().get(i), second.mailboxes().get(i).copied());
        }
    }

    @Test
    void missingSecretsFailEachMailboxWithoutAnyLogin() throws Exception {
        start(2, CorpusSpec.small(33, 10));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        DemoEnvironmentUser bob = demo.users().get(1);
        // the secret store was lost: nothing for alice; bob's target password only
        MemorySecretStore lost = new MemorySecretStore();
        lost.put(SecretKeys.mailboxTarget(project.id(), bob.emailAddress()), secrets.get(
                SecretKeys.mailboxTarget(project.id(), bob.emailAddress())).orElseThrow());
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult result = engine.sync(project, "all", lost, events);

        assertEquals(BatchState.FAILED, result.state());
        assertEquals("Source and target: no stored password: import the CSV again or set it",
                result.mailboxes().get(0).lastError());
        assertEquals("Source: no stored password: import the CSV again or set it", result.mailboxes().get(1).lastError());
        for (MailboxStatus m : result.mailboxes()) {
            assertEquals(MailboxState.FAILED, m.state());
        }
        assertTrue(events.retries.isEmpty(), events.retries.toString());
        // no login reached either server: Dovecot logs every login, refused or not, with the user's name
        for (DovecotServer server : List.of((DovecotServer) demo.sourceServer(), (DovecotServer) demo.targetServer())) {
            String log = Files.readString(server.logFile(), StandardCharsets.UTF_8);
            for (DemoEnvironmentUser u : demo.users()) {
                assertFalse(log.contains("user=<" + u.sourceUserName() + ">") || log.contains("user=<"
                        + u.targetUserName() + ">"), "a login of " + u.emailAddress() + " in " + server.logFile());
            }
        }
        // with the secrets back, the same project migrates
        BatchRunResult recovered = engine.sync(project, "all", secrets, null);
        assertEquals(BatchState.SYNCED, recovered.state());
        assertTrue(((DovecotServer) demo.sourceServer()).logFile().toFile().length() > 0);
        assertTrue(Files.readString(((DovecotServer) demo.sourceServer()).logFile()).contains(
                "user=<" + demo.users().get(0).sourceUserName() + ">"), "the log shows logins once they happen");
    }

    @Test
    void aSourceServerThatIsDownIsRetriedOnceForAllMailboxesThenFailsThemAllAtOnce() throws Exception {
        start(3, CorpusSpec.small(34, 5));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        project.setSourceEndpoint(new Endpoint("imap", Map.of("host", "127.0.0.1", "port",
                Integer.toString(closedPort), "security", "none")));
        MigrationEngine engine = engineService();
        engine.setRetryPolicy(3, Duration.ofMillis(300));
        project.createBatch("all", List.of(), BatchOptions.defaults().withMaxParallelMailboxes(1));
        FakeEngineTest.RecordingListener events = new FakeEngineTest.RecordingListener();

        BatchRunResult result = engine.sync(project, "all", secrets, events);

        assertEquals(BatchState.FAILED, result.state());
        assertNotNull(result.unreachable());
        assertTrue(result.unreachable().startsWith("The source server could not be reached, so no mailbox was synced: "),
                result.unreachable());
        assertTrue(result.unreachable().contains("127.0.0.1:" + closedPort), result.unreachable());
        assertTrue(result.unreachable().contains("(3 attempts in 0.9 s)"), result.unreachable());
        // one schedule for the server: two waits in all, not two per mailbox (one mailbox at a time: 3 x 2 before)
        assertEquals(2, events.notices.stream().filter(n -> n.contains("source server could not be reached")).count(),
                events.notices.toString());
        assertTrue(events.retries.isEmpty(), events.retries.toString());
        for (MailboxStatus m : result.mailboxes()) {
            assertEquals(MailboxState.FAILED, m.state());
            assertTrue(m.lastError().startsWith("Connection failed: Source: "), m.lastError());
        }
    }

    @Test
    void aLoginRefusedIsNotAnUnreachableServer() throws Exception {
        start(2, CorpusSpec.small(35, 5));
        MigrationEngine engine = engineService();
        DemoEnvironmentUser bob = demo.users().get(1);
        secrets.put(SecretKeys.mailboxSource(project.id(), bob.emailAddress()),
                dev.mailferry.core.secret.Secret.of("wrong"));
        project.createBatch("all", List.of(), BatchOptions.defaults());
        BatchRunResult result = engine.sync(project, "all", secrets, null);
        assertEquals(BatchState.SYNCED_WITH_ERRORS, result.state());
        assertNull(result.unreachable());
        assertEquals(MailboxState.SYNCED, result.mailboxes().get(0).state());
        assertEquals(MailboxState.FAILED, result.mailboxes().get(1).state());
    }

    @Test
    void aStoppedPassReadsStoppedAndTheNextResumes() throws Exception {
        start(1, CorpusSpec.small(36, 400));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        AtomicInteger copied = new AtomicInteger();
        BatchProgress progress = new BatchProgress();
        List<String> overtaken = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchRunResult stopped = engine.sync(project, "all", secrets, new MigrationListener() {
            @Override
            public void batchStarted(String batch, int mailboxes, boolean finalPass) {
                progress.batchStarted(batch, mailboxes, finalPass);
            }

            @Override
            public void mailboxPlanned(String email, long messages, long bytes) {
                progress.mailboxPlanned(email, messages, bytes);
            }

            @Override
            public void messageCopied(String email, FolderPath folder, MessageInfo message) {
                progress.messageCopied(email, folder, message);
                copied.incrementAndGet();
                BatchProgress.Snapshot s = progress.snapshot();
                if (s.copiedMessages() > s.plannedMessages()) {
                    overtaken.add(s.copiedMessages() + "/" + s.plannedMessages());
                }
            }

            @Override
            public void mailboxFinished(MailboxStatus status) {
                progress.mailboxFinished(status);
            }
        }, () -> copied.get() >= 20);
        // copied while scanned, the mailbox announces its totals only after its last folder, which a stopped pass
        // never reaches: the progress line must not show more copied than planned meanwhile ("1,458/0 messages")
        assertTrue(overtaken.isEmpty(), "copied above planned: " + overtaken);
        BatchProgress.Snapshot end = progress.snapshot();
        assertTrue(end.copiedMessages() >= 20 && end.copiedMessages() <= end.plannedMessages(), end.toString());
        assertEquals(BatchState.STOPPED, stopped.state());
        assertEquals(MailboxState.STOPPED, stopped.mailboxes().get(0).state());
        assertEquals(BatchState.STOPPED, project.batch("all").orElseThrow().state());
        BatchRunResult resumed = engine.sync(project, "all", secrets, null);
        assertEquals(BatchState.SYNCED, resumed.state());
        assertMigrated(demo.users().get(0));
    }

    @Test
    void statusIsReadReadOnlyWhileAPassRuns() throws Exception {
        start(1, CorpusSpec.small(37, 600));
        MigrationEngine engine = engineService();
        project.createBatch("all", List.of(), BatchOptions.defaults());
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        AtomicInteger accepted = new AtomicInteger();
        engine.setPipelineHook(new PipelineHook() {
            @Override
            public void accepted(String email, FolderPath folder, MessageInfo message) {
                if (accepted.incrementAndGet() == 450) {
                    paused.countDown();
                    try {
                        read.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread pass = new Thread(() -> {
            try {
                outcome.set(engine.sync(project, "all", secrets, null));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        try {
            pass.start();
            assertTrue(paused.await(60, TimeUnit.SECONDS), "the pass did not get going");
            try (MigrationProject reader = MigrationProject.openReadOnly(dir.resolve("project"))) {
                assertEquals(BatchState.SYNCING, reader.batch("all").orElseThrow().state());
                MailboxStatus running = reader.status("all").get(0);
                assertEquals(MailboxState.SYNCING, running.state());
                assertTrue(running.copied() > 0, "progress is visible: " + running);
                assertTrue(reader.isReadOnly());
                // the reader's connection is read-only: it can never write, whatever is called
                org.junit.jupiter.api.Assertions.assertThrows(MigrationException.class,
                        () -> reader.createBatch("second", List.of(), BatchOptions.defaults()));
            } finally {
                read.countDown();
            }
            pass.join(60_000);
        } finally {
            engine.setPipelineHook(null);
        }
        assertTrue(outcome.get() instanceof BatchRunResult, String.valueOf(outcome.get()));
        assertEquals(BatchState.SYNCED, ((BatchRunResult) outcome.get()).state());
    }
}
