package dev.mailferry.ui.internal;

import dev.mailferry.core.secret.EncryptedFileSecretStore;
import java.nio.file.Path;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project of the test's own, opened in the workbench's Projects view, with a secret store below the test's folder;
 * after each test the dialogs it left open are closed, and the project too.
 */
abstract class ProjectsViewTestBase {

    @TempDir
    Path dir;

    Path projectFolder;
    ProjectsView projects;
    UiDriver ui;
    Shell workbench;

    /** Runs before the subclass's set-up, which may already store secrets. */
    @BeforeEach
    void useOwnSecretStore() {
        System.setProperty(EncryptedFileSecretStore.DIRECTORY_PROPERTY, dir.resolve("secrets").toString());
        projectFolder = dir.resolve("project");
    }

    /**
     * Opens {@link #projectFolder} (already created) in the Projects view, waits until the node starting with
     * {@code shown} is there and selects the one starting with {@code selected}.
     */
    void openInProjectsView(String shown, String selected) throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        workbench = page.getWorkbenchWindow().getShell();
        ui = new UiDriver(workbench.getDisplay());
        projects = (ProjectsView) page.showView(ProjectsView.ID);
        projects.openProject(projectFolder);
        ui.waitUntil("the project shows", () -> UiDriver.treeItem(projects.viewer().getTree(), shown) != null);
        ui.select(projects.viewer().getTree(), UiDriver.treeItem(projects.viewer().getTree(), selected));
    }

    @AfterEach
    void closeDialogsAndProject() {
        if (workbench != null) {
            for (Shell shell : workbench.getDisplay().getShells()) {
                if (shell != workbench && !shell.isDisposed() && shell.getData() instanceof Window w) {
                    w.close();
                }
            }
        }
        if (projects != null) {
            projects.closeProject(projectFolder);
            ui.waitUntil("the project is closed", () -> projects.viewer().getTree().getItemCount() == 0);
        }
        afterProjectClosed();
        System.clearProperty(EncryptedFileSecretStore.DIRECTORY_PROPERTY);
    }

    /** What a test started besides the project (a server) stops here, once the dialogs and the project are closed. */
    void afterProjectClosed() {
    }
}
