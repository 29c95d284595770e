package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.mx.FinalSyncGate;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.swt.widgets.ToolItem;
import org.junit.jupiter.api.Test;

/**
 * Complete batch from the Mailboxes view's tool bar: confirmed, the MX check of the command line runs and finds the
 * demo's mail domain not on Exchange Online (or cannot resolve it), the dialog says so, and "Complete anyway" runs the
 * final pass; stopped half-way it leaves the batch STOPPED, completed again the engine reads it COMPLETED.
 */
class CompleteBatchTest extends DovecotWorkbenchTestBase {

    private static final Duration MX_CHECK_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void completeAnywayAfterTheMxCheckRunsTheFinalPassWhichStopsAndThenCompletesTheBatch() throws Exception {
        String domain = FinalSyncGate.domainsOf(column("Mailbox")).get(0);
        ToolItem complete = UiDriver.toolItem(shell, "Complete batch...");
        assertTrue(complete.isEnabled(), tableState());

        AtomicReference<String> confirmation = new AtomicReference<>();
        AtomicReference<String> mxWarning = new AtomicReference<>();
        // the check asks a resolver given in the dialog, one that never answers (a loopback port nobody listens on)
        int silentPort;
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = free.getLocalPort();
        }
        ui.whenOpen(BatchCompletion.CONFIRM_TITLE, dialogShell -> {
            CompleteBatchDialog dialog = (CompleteBatchDialog) dialogShell.getData();
            confirmation.set(UiDriver.labels(dialogShell));
            ui.type(dialog.resolvers, "127.0.0.1:" + silentPort);
            dialog.timeoutSeconds.setSelection(1);
            ui.click(UiDriver.button(dialogShell, BatchCompletion.CONFIRM_BUTTON));
        });
        ui.answerWhenOpen(BatchCompletion.NOT_READY_TITLE, BatchCompletion.ANYWAY_BUTTON, mxWarning::set);
        ui.click(complete);
        assertTrue(confirmation.get() != null && confirmation.get().contains("final pass"), String.valueOf(confirmation.get()));
        assertFalse(complete.isEnabled(), "not started twice while the MX check runs");

        ui.waitUntil("the MX warning was answered", MX_CHECK_TIMEOUT, () -> mxWarning.get() != null, this::tableState);
        // what 'mailferry batch complete' prints to stderr: the domain and why, here the resolver given that never answered
        assertTrue(mxWarning.get().contains(domain + " is ") && mxWarning.get().contains("resolver 127.0.0.1:" + silentPort),
                mxWarning.get());
        assertTrue(mxWarning.get().contains("may still arrive on the old server"), mxWarning.get());

        // the final pass is a pass job: it shows in the Progress view and Stop stops it, leaving the batch not completed
        ui.waitUntil("the final pass copies a mailbox", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);
        BatchPassJob finalPass = BatchPassJob.running(projectFolder, BATCH);
        assertTrue(finalPass != null && finalPass.getName().contains("final pass"), String.valueOf(finalPass));
        ToolItem stop = UiDriver.toolItem(shell, "Stop");
        ui.waitUntil("Stop is enabled", Duration.ofSeconds(10), stop::isEnabled, this::tableState);
        ui.click(stop);
        ui.waitUntil("the final pass stopped", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && mailboxes.message().getText().contains(": STOPPED"),
                this::tableState);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.STOPPED, project.batch(BATCH).orElseThrow().state());
        }

        ui.waitUntil("Complete is enabled again", Duration.ofSeconds(10), complete::isEnabled, this::tableState);
        mxWarning.set(null);
        ui.answerWhenOpen(BatchCompletion.CONFIRM_TITLE, BatchCompletion.CONFIRM_BUTTON);
        ui.answerWhenOpen(BatchCompletion.NOT_READY_TITLE, BatchCompletion.ANYWAY_BUTTON, mxWarning::set);
        ui.click(complete);
        ui.waitUntil("the MX warning was answered again", MX_CHECK_TIMEOUT, () -> mxWarning.get() != null, this::tableState);
        ui.waitUntil("the final pass ran and the batch is completed", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && mailboxes.message().getText().contains(": COMPLETED"),
                this::tableState);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(BatchState.COMPLETED, project.batch(BATCH).orElseThrow().state());
            assertTrue(project.status(BATCH).stream().allMatch(s -> s.failed() == 0 && s.copied() > 0),
                    String.valueOf(project.status(BATCH)));
        }
        ui.waitUntil("Start and Complete are off for a completed batch", Duration.ofSeconds(10),
                () -> !complete.isEnabled(), this::tableState);
    }
}
