package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.MigrationProject;
import java.time.Duration;
import java.util.List;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.TreeItem;
import org.junit.jupiter.api.Test;

/**
 * The views' keys, pressed as real key events posted to the display (what the X server would deliver from a keyboard),
 * so the binding, the context and the handler are all on the way.
 */
class KeyBindingsTest extends DovecotWorkbenchTestBase {

    @Test
    void f9StartsCtrlDotStopsDeleteRemovesF5RefreshesAndEnterOpensTheBatchAndItsReports() throws Exception {
        page.activate(mailboxes);
        mailboxes.table().control().setFocus();
        press(0, SWT.F9, '\0');
        ui.waitUntil("F9 started a pass and a mailbox is being copied", PASS_TIMEOUT,
                () -> column("Copied").stream().anyMatch(c -> !c.equals("0")), this::tableState);
        assertNotNull(BatchPassJob.running(projectFolder, BATCH), "the pass runs in a job");
        ui.waitUntil("Stop is enabled", Duration.ofSeconds(10), () -> mailboxes.stopAction().isEnabled(), this::tableState);

        press(SWT.CTRL, 0, '.');
        ui.waitUntil("Ctrl+. stopped the pass", PASS_TIMEOUT,
                () -> BatchPassJob.running(projectFolder, BATCH) == null && mailboxes.message().getText().contains(": STOPPED"),
                this::tableState);

        ui.waitUntil("Start is enabled again", Duration.ofSeconds(10), () -> mailboxes.startAction().isEnabled(), this::tableState);
        ui.select(mailboxes.table().control(), 0);
        String removed = column("Mailbox").get(0);
        ui.answerWhenOpen(MailboxesView.REMOVE_TITLE, "Yes");
        mailboxes.table().control().setFocus();
        press(0, SWT.DEL, SWT.DEL);
        ui.waitUntil("Delete removed the mailbox from the batch", () -> mailboxes.table().control().getItemCount() == USERS - 1
                && !column("Mailbox").contains(removed), this::tableState);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(USERS - 1, project.batch(BATCH).orElseThrow().mailboxes().size());
        }

        // a batch made elsewhere (the command line) shows in the navigator after F5
        try (MigrationProject project = MigrationProject.open(projectFolder)) {
            project.createBatch("wave2", List.of(removed), BatchOptions.defaults());
        }
        page.activate(projects);
        projects.viewer().getControl().setFocus();
        press(0, SWT.F5, '\0');
        ui.waitUntil("F5 read the project again", () -> UiDriver.treeItem(projects.viewer().getTree(), "wave2 — ") != null);

        TreeItem batch = UiDriver.treeItem(projects.viewer().getTree(), BATCH + " — ");
        ui.select(projects.viewer().getTree(), batch);
        projects.viewer().getControl().setFocus();
        press(0, SWT.CR, SWT.CR);
        ui.waitUntil("Enter on the batch opened the Mailboxes view", () -> page.getActivePart() == mailboxes);
        assertTrue(mailboxes.message().getText().contains("'" + BATCH + "'"), tableState());

        // the batch's Reports node opens the Report view on that batch
        if (page.findView(ReportsView.ID) != null) {
            page.hideView(page.findView(ReportsView.ID));
        }
        page.activate(projects);
        Object batchNode = projects.viewer().getStructuredSelection().getFirstElement();
        projects.viewer().setExpandedState(batchNode, true);
        TreeItem reports = UiDriver.treeItem(projects.viewer().getTree(), "Reports");
        assertNotNull(reports, "a Reports node under the batch");
        ui.select(projects.viewer().getTree(), reports);
        projects.viewer().getControl().setFocus();
        press(0, SWT.CR, SWT.CR);
        ui.waitUntil("Enter on Reports opened the Report view", () -> page.getActivePart() instanceof ReportsView);
        ReportsView report = (ReportsView) page.getActivePart();
        ui.waitUntil("the Report view shows the batch's report", () -> report.sheet() != null,
                () -> report.message().getText());
        assertTrue(report.sheet().file().startsWith(projectFolder.toAbsolutePath().normalize())
                && report.sheet().file().getFileName().toString().contains(BATCH), report.sheet().file().toString());
    }

    /** Posts a key press (with {@code modifier} held, 0 for none) to the display, as the keyboard would. */
    private void press(int modifier, int keyCode, char character) {
        shell.forceActive();
        ui.pump(50);
        if (modifier != 0) {
            post(SWT.KeyDown, modifier, '\0');
        }
        post(SWT.KeyDown, keyCode, character);
        post(SWT.KeyUp, keyCode, character);
        if (modifier != 0) {
            post(SWT.KeyUp, modifier, '\0');
        }
        ui.pump(100);
    }

    private void post(int type, int keyCode, char character) {
        Event key = new Event();
        key.type = type;
        key.keyCode = keyCode;
        key.character = character;
        assertTrue(shell.getDisplay().post(key), "the display took the key event");
    }
}
