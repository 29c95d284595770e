package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.engine.MigrationProject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The New Project wizard validates as the user types and makes a project the engine (and command line) can open. */
class NewProjectWizardTest {

    @TempDir
    Path dir;

    @Test
    void validatesAsYouTypeAndCreatesAProjectThatOpensInTheNavigator() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        ProjectsView projects = (ProjectsView) page.showView(ProjectsView.ID);
        UiDriver ui = new UiDriver(page.getWorkbenchWindow().getShell().getDisplay());

        WizardDialog dialog = NewProjectWizard.dialog(page.getWorkbenchWindow().getShell(), projects);
        dialog.setBlockOnOpen(false);
        dialog.open();
        try {
            Shell shell = dialog.getShell();
            NewProjectWizard.ProjectPage wizardPage = (NewProjectWizard.ProjectPage) dialog.getCurrentPage();
            Button finish = UiDriver.button(shell, "Finish");
            assertFalse(finish.isEnabled(), "nothing typed yet");

            ui.type(wizardPage.name, "Contoso");
            assertTrue(wizardPage.folder.getText().endsWith("/mailferry/contoso"), "the folder follows the name: "
                    + wizardPage.folder.getText());

            ui.type(wizardPage.folder, "relative/folder");
            assertEquals("Give the folder's full path (starting with /).", wizardPage.getErrorMessage());
            assertFalse(finish.isEnabled());

            Path existing = dir.resolve("existing");
            MigrationProject.create(existing, "Existing").close();
            ui.type(wizardPage.folder, existing.toString());
            assertTrue(wizardPage.getErrorMessage().startsWith("There is already a project in"), wizardPage.getErrorMessage());
            assertFalse(finish.isEnabled());

            Path folder = dir.resolve("contoso");
            ui.type(wizardPage.folder, folder.toString());
            assertNull(wizardPage.getErrorMessage());
            ui.type(wizardPage.name, "Contoso Ltd");
            assertEquals(folder.toString(), wizardPage.folder.getText(), "a folder the user typed is kept");
            assertTrue(finish.isEnabled());

            ui.click(finish);
            ui.waitUntil("the dialog closes", () -> shell.isDisposed());
            assertTrue(Files.isRegularFile(folder.resolve(MigrationProject.PROJECT_FILE)));
            try (MigrationProject created = MigrationProject.openReadOnly(folder)) {
                assertEquals("Contoso Ltd", created.name());
            }
            ui.waitUntil("the project shows in the navigator",
                    () -> UiDriver.treeItem(projects.viewer().getTree(), "Contoso Ltd") != null);
            assertTrue(UiDriver.treeItem(projects.viewer().getTree(), "Batches (0)") != null, "expanded: project parts");
            projects.closeProject(folder);
            ui.waitUntil("the project is closed", () -> projects.viewer().getTree().getItemCount() == 0);
        } finally {
            if (dialog.getShell() != null && !dialog.getShell().isDisposed()) {
                dialog.close();
            }
        }
    }

    @Test
    void aFolderWithoutAProjectIsRefusedWhereTheUserLooks() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        ProjectsView projects = (ProjectsView) page.showView(ProjectsView.ID);
        projects.openProject(dir);
        assertTrue(projects.problem().isVisible());
        assertTrue(projects.problem().getText().startsWith("No Mailferry project in "), projects.problem().getText());
    }
}
