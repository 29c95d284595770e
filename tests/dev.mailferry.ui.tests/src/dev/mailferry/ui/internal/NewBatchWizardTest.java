package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.BatchOptions;
import dev.mailferry.engine.BatchState;
import dev.mailferry.engine.MailboxImport;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The New Batch wizard checks its options as they are typed and creates the batch the command line would. */
class NewBatchWizardTest extends ProjectsViewTestBase {

    @BeforeEach
    void openProjectWithMailboxes() throws Exception {
        try (MigrationProject project = MigrationProject.create(projectFolder, "Tailspin")) {
            project.putMailboxes(List.of(mailbox("ann@tailspin.test"), mailbox("ben@tailspin.test"),
                    mailbox("cat@tailspin.test")), EngineServices.secrets());
            project.createBatch("wave1", List.of("ann@tailspin.test"), BatchOptions.defaults());
        }
        openInProjectsView("Batches (1)", "Batches (1)");
    }

    private static MailboxImport mailbox(String address) {
        return new MailboxImport(new MailboxEntry(address, address.substring(0, 3), null, null), Secret.of("pw"), null);
    }


    @Test
    void createsTheBatchWithItsMailboxesAndOptions() throws Exception {
        ui.click(UiDriver.toolItem(workbench, "New Batch..."));
        WizardDialog dialog = EndpointWizardTest.openWizard(ui, workbench, NewBatchWizard.class);
        Shell shell = dialog.getShell();
        NewBatchWizard.BatchPage page = ((NewBatchWizard) dialog.getCurrentPage().getWizard()).page();
        Button finish = UiDriver.button(shell, "Finish");
        assertEquals("wave2", page.name.getText(), "the first free name is offered");
        assertEquals(3, page.mailboxes.getCheckedElements().length, "all mailboxes, as the command line's default");
        assertTrue(finish.isEnabled(), "the defaults make a batch");

        ui.type(page.name, "wave1");
        assertEquals("There is already a batch named 'wave1'.", page.getErrorMessage());
        assertFalse(finish.isEnabled());
        ui.type(page.name, "pilot");
        assertNull(page.getErrorMessage());

        ui.click(UiDriver.button(shell, "Deselect All"));
        assertEquals("Choose the batch's mailboxes.", page.getMessage());
        assertFalse(finish.isEnabled());
        page.mailboxes.setChecked(page.mailboxes.getElementAt(0), true);
        page.mailboxes.setChecked(page.mailboxes.getElementAt(2), true);
        page.validate(); // what a click on a check box makes the viewer do
        assertEquals("2 of 3 mailboxes", page.selectedCount.getText());

        ui.type(page.excludedFolders, "Junk\n/\nArchive/Old");
        assertEquals("Excluded folders, line 2: '/' names no folder: it would exclude every folder of every mailbox",
                page.getErrorMessage());
        assertFalse(finish.isEnabled());
        ui.type(page.excludedFolders, "Junk\nArchive/Old\n");
        ui.type(page.folderMapping, "Projects");
        assertTrue(page.getErrorMessage().startsWith("Folder mapping, line 1: write SOURCE = TARGET"), page.getErrorMessage());
        ui.type(page.folderMapping, "Projects = Archive/Projects");
        ui.type(page.maxMessageSize, "lots");
        assertEquals("Largest message: not a size of at least one byte: 'lots' (examples: 35MB, 150MB, 1GB, 36700160)",
                page.getErrorMessage());
        ui.type(page.maxMessageSize, "20MB");
        ui.type(page.maxItems, "0");
        assertTrue(page.getErrorMessage().startsWith("Most messages per mailbox: a whole number of at least 1"),
                page.getErrorMessage());
        ui.type(page.maxItems, "1000");
        page.parallel.setSelection(2);
        assertFalse(page.mirrorDeletions.getSelection(), "mirror deletion is off unless ticked");
        page.mirrorDeletions.setSelection(true);
        assertNull(page.getErrorMessage());
        assertTrue(finish.isEnabled());
        EndpointWizardTest.moveMouseAway(shell);
        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, "new-batch.png"));
        }

        ui.click(finish);
        ui.waitUntil("the wizard closes", shell::isDisposed);
        ui.waitUntil("the navigator shows the batch",
                () -> UiDriver.treeItem(projects.viewer().getTree(), "pilot — CREATED, 2 mailboxes") != null);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            BatchInfo batch = project.batch("pilot").orElseThrow();
            assertEquals(BatchState.CREATED, batch.state());
            assertEquals(List.of("ann@tailspin.test", "cat@tailspin.test"), batch.mailboxes().stream().sorted().toList());
            BatchOptions options = batch.options();
            assertEquals(List.of(FolderPath.of("Junk"), FolderPath.of("Archive", "Old")), options.excludedFolders());
            assertEquals(Map.of(FolderPath.of("Projects"), FolderPath.of("Archive", "Projects")), options.folderMapping());
            assertEquals(20L * 1024 * 1024, options.maxMessageSize());
            assertEquals(1000, options.maxItemsPerMailbox());
            assertEquals(2, options.maxParallelMailboxes());
            assertTrue(options.mirrorDeletions());
        }
    }
}
