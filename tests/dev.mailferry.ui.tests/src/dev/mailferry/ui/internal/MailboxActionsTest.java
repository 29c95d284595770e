package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.util.List;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;

/** The Mailboxes view's filter and its actions on selected mailboxes, against two local Dovecot servers. */
class MailboxActionsTest extends DovecotWorkbenchTestBase {

    private int row(String address) {
        return column("Mailbox").indexOf(address);
    }

    private void waitForPassEnd() {
        ui.waitUntil("the pass ended", PASS_TIMEOUT, () -> BatchPassJob.running(projectFolder, BATCH) == null
                && !column("State").contains("SYNCING") && UiDriver.toolItem(shell, "Start pass").isEnabled(),
                this::tableState);
    }

    @Test
    void filterThenStartStopRetryAndRemoveSelectedMailboxes() throws Exception {
        Table table = mailboxes.table().control();
        List<String> addresses = column("Mailbox");
        String first = addresses.get(0);

        // the filter narrows the rows by address, then by state
        ui.type(mailboxes.filterText(), first.substring(0, first.indexOf('@')) + "@");
        ui.waitUntil("only the filtered mailbox shows", () -> table.getItemCount() == 1);
        assertEquals(List.of(first), column("Mailbox"));
        assertTrue(mailboxes.message().getText().endsWith("1 shown by the filter"), mailboxes.message().getText());

        // start that mailbox alone: the others stay queued, and the batch is not synced as a whole
        ui.select(table, 0);
        ui.click(UiDriver.toolItem(shell, "Start selected"));
        waitForPassEnd();
        assertEquals(List.of("SYNCED"), column("State"), tableState());
        ui.type(mailboxes.filterText(), "");
        ui.select(mailboxes.filterState(), "QUEUED");
        ui.waitUntil("the queued mailboxes show", () -> table.getItemCount() == USERS - 1);
        assertTrue(column("State").stream().allMatch("QUEUED"::equals), tableState());
        assertTrue(mailboxes.message().getText().contains(": STOPPED"), "not every mailbox synced: " + tableState());

        // stop one mailbox half-way through a running pass (one mailbox at a time): the rest of the pass goes on
        String second = addresses.get(1);
        ui.select(mailboxes.filterState(), MailboxesView.ALL_STATES);
        ui.click(UiDriver.toolItem(shell, "Start pass"));
        // paces the second mailbox, so that the view (which reads every 300 ms) finds it half-way on a fast machine
        BatchPassJob.running(projectFolder, BATCH).addObserver(new MigrationListener() {
            @Override
            public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
                if (emailAddress.equals(second)) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        ui.waitUntil("the second mailbox is being copied", PASS_TIMEOUT, () -> "SYNCING".equals(column("State").get(row(second)))
                && !"0".equals(column("Copied").get(row(second))), this::tableState);
        ui.select(table, row(second));
        ui.click(UiDriver.toolItem(shell, "Stop selected"));
        waitForPassEnd();
        assertEquals("STOPPED", column("State").get(row(second)), tableState());
        assertEquals(USERS - 1, column("State").stream().filter("SYNCED"::equals).count(), tableState());

        // retry it
        ui.select(table, row(second));
        ui.click(UiDriver.toolItem(shell, "Retry selected"));
        waitForPassEnd();
        ui.waitUntil("every mailbox is synced", PASS_TIMEOUT, () -> column("State").stream().allMatch("SYNCED"::equals)
                && mailboxes.message().getText().contains(": SYNCED"), this::tableState);

        // remove the first from the batch, after answering the question
        ui.select(table, row(first));
        ui.answerWhenOpen(MailboxesView.REMOVE_TITLE, "Yes");
        ui.click(UiDriver.toolItem(shell, "Remove from batch"));
        ui.waitUntil("the mailbox left the batch", () -> table.getItemCount() == USERS - 1);
        assertTrue(!column("Mailbox").contains(first), tableState());
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(USERS - 1, project.batch(BATCH).orElseThrow().mailboxes().size());
            assertEquals(BatchState.SYNCED, project.batch(BATCH).orElseThrow().state());
            assertEquals(USERS, project.mailboxes().size(), "it stays in the project");
        }
    }
}
