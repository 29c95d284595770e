package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.ToolItem;
import org.junit.jupiter.api.Test;

/**
 * Passes are started and stopped with the Mailboxes view's tool bar, and the mailbox table is read from its real items.
 */
class BatchFromWorkbenchTest extends DovecotWorkbenchTestBase {

    @Test
    void startStopAndResumeFromTheToolBarUntilEveryMailboxIsSynced() throws Exception {
        ToolItem start = UiDriver.toolItem(shell, "Start pass");
        ToolItem stop = UiDriver.toolItem(shell, "Stop");
        assertTrue(start.isEnabled());
        assertFalse(stop.isEnabled());

        ui.click(start);
        ui.waitUntil("a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);
        assertNotNull(BatchPassJob.running(projectFolder, BATCH), "the pass runs in a job");
        ui.waitUntil("Stop is enabled", Duration.ofSeconds(10), stop::isEnabled, this::tableState);
        ui.click(stop);
        ui.waitUntil("the pass stopped", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && mailboxes.message().getText().contains(": STOPPED"),
                this::tableState);
        // the mailbox being copied is STOPPED, those not started yet stay QUEUED (a stop between two mailboxes leaves none
        // STOPPED)
        assertTrue(column("State").stream().anyMatch(s -> s.equals("STOPPED") || s.equals("QUEUED")),
                "stopped half-way: " + tableState());

        ui.waitUntil("Start is enabled again", Duration.ofSeconds(10), start::isEnabled, this::tableState);
        ui.click(start);
        // the batch's line follows the mailboxes' rows at the view's next read of the project
        ui.waitUntil("every mailbox and the batch are synced", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null
                        && column("State").stream().allMatch("SYNCED"::equals)
                        && mailboxes.message().getText().contains(": SYNCED"),
                this::tableState);
        assertTrue(column("Failed").stream().allMatch("0"::equals), tableState());
        assertTrue(column("Copied").stream().noneMatch("0"::equals), tableState());
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.SYNCED, project.batch(BATCH).orElseThrow().state());
            assertEquals(project.status(BATCH).stream().mapToLong(s -> s.copied()).sum(),
                    column("Copied").stream().mapToLong(Long::parseLong).sum(), "the table shows what the project holds");
        }

        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            page.showView(MigrationPerspective.PROGRESS_VIEW_ID);
            ui.screenshot(shell, Path.of(screenshots, "workbench-mailboxes.png"));
        }
    }

    @Test
    void aPassRunOutsideTheWorkbenchShowsAsRunningIsNotStartedTwiceAndCanBeStopped() throws Exception {
        // what 'mailferry batch start' does, on another thread, outside the workbench's jobs
        MigrationEngine engine = EngineServices.engine();
        AtomicReference<BatchRunResult> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // the other pass holds after its first mailbox until the workbench has shown it and asked it to stop: without
        // this, a fast machine finishes the pass before the view's next poll
        CountDownLatch stopAsked = new CountDownLatch(1);
        MigrationListener holdAfterFirstMailbox = new MigrationListener() {
            @Override
            public void mailboxFinished(MailboxStatus status) {
                try {
                    stopAsked.await(PASS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Thread commandLine = new Thread(() -> {
            try (MigrationProject project = MigrationProject.open(projectFolder)) {
                result.set(engine.sync(project, BATCH, EngineServices.secrets(), holdAfterFirstMailbox, () -> false));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "command-line pass");
        commandLine.start();
        try {
            ToolItem start = UiDriver.toolItem(shell, "Start pass");
            ToolItem stop = UiDriver.toolItem(shell, "Stop");
            ui.waitUntil("the view shows the batch as running outside the workbench", PASS_TIMEOUT,
                    () -> mailboxes.message().getText().contains("runs outside this workbench"), this::tableState);
            assertFalse(start.isEnabled(), "never a second pass over the batch");
            assertTrue(stop.isEnabled());
            ui.waitUntil("the table follows the other pass", PASS_TIMEOUT,
                    () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);

            ui.click(stop); // asks the other pass through the project, as 'mailferry batch stop' does
            ui.pump(1_000); // the request is written by a job, in a few milliseconds
            assertEquals("", mailboxes.problem().getText());
            stopAsked.countDown();
            ui.waitUntil("the other pass stopped", PASS_TIMEOUT, () -> !commandLine.isAlive(), this::tableState);
        } finally {
            stopAsked.countDown();
            commandLine.join(PASS_TIMEOUT.toMillis());
        }
        assertEquals(null, failure.get());
        assertEquals(BatchState.STOPPED, result.get().state());
        ui.waitUntil("the view shows it stopped and offers to start it again", Duration.ofSeconds(10),
                () -> mailboxes.message().getText().contains(": STOPPED")
                        && UiDriver.toolItem(shell, "Start pass").isEnabled(), this::tableState);
    }

    @Test
    void closingTheWorkbenchDuringAPassAsksThenStopsThePassCleanly() throws Exception {
        ui.click(UiDriver.toolItem(shell, "Start pass"));
        ui.waitUntil("a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);

        // the question is modal: answer it from the event loop it runs, once it is open
        Runnable answerYes = new Runnable() {
            @Override
            public void run() {
                for (Shell open : shell.getDisplay().getShells()) {
                    if (open.isVisible() && "Passes are running".equals(open.getText())) {
                        ui.click(UiDriver.button(open, "Yes"));
                        return;
                    }
                }
                shell.getDisplay().timerExec(50, this);
            }
        };
        shell.getDisplay().timerExec(50, answerYes);
        // what the workbench asks its advisor when the window is closed
        assertTrue(new MailferryWorkbenchAdvisor().preShutdown(), "closes once the pass stopped");

        assertEquals(null, BatchPassJob.running(projectFolder, BATCH), "the pass ended before the workbench closes");
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.STOPPED, project.batch(BATCH).orElseThrow().state(), "stopped, resumable");
        }
    }
}
