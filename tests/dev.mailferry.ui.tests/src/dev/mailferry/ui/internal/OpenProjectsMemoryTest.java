package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.engine.MigrationProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Projects view keeps its open project folders for the next start and reopens them; a gone one is named, not opened. */
class OpenProjectsMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aRecreatedProjectsViewReopensTheProjectsAndNamesTheOneWhoseFolderIsGone() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        UiDriver ui = new UiDriver(page.getWorkbenchWindow().getShell().getDisplay());
        Path contoso = project("contoso", "Contoso");
        Path fabrikam = project("fabrikam", "Fabrikam");
        Path gone = project("gone", "Gone soon");

        ProjectsView first = (ProjectsView) page.showView(ProjectsView.ID);
        // from no open project, whatever an earlier test left open
        for (org.eclipse.swt.widgets.TreeItem item : first.viewer().getTree().getItems()) {
            first.closeProject(((ProjectSnapshot) item.getData()).folder());
        }
        ui.waitUntil("no project is open", () -> first.viewer().getTree().getItemCount() == 0);
        first.openProject(contoso);
        first.openProject(fabrikam);
        first.openProject(gone);
        ui.waitUntil("three projects are open", () -> first.viewer().getTree().getItemCount() == 3);

        page.hideView(first); // what closing the workbench does to it
        deleteRecursively(gone);
        ProjectsView again = (ProjectsView) page.showView(ProjectsView.ID);
        assertNotSame(first, again);
        ui.waitUntil("the two remaining projects are back", () -> again.viewer().getTree().getItemCount() == 2);
        assertTrue(UiDriver.treeItem(again.viewer().getTree(), "Contoso") != null);
        assertTrue(UiDriver.treeItem(again.viewer().getTree(), "Fabrikam") != null);
        assertNull(UiDriver.treeItem(again.viewer().getTree(), "Gone soon"));
        assertEquals("Not reopened, no project there any more: " + gone.toAbsolutePath().normalize(),
                again.problem().getText());
        assertTrue(again.problem().isVisible());

        again.closeProject(contoso);
        again.closeProject(fabrikam);
        ui.waitUntil("the projects are closed", () -> again.viewer().getTree().getItemCount() == 0);
        assertEquals("", InstanceScope.INSTANCE.getNode(ProjectsView.PREFERENCES_NODE).get(ProjectsView.OPEN_PROJECTS_KEY, "?"),
                "a closed project is not reopened at the next start");
    }

    private Path project(String folder, String name) throws Exception {
        Path path = dir.resolve(folder);
        MigrationProject.create(path, name).close();
        return path;
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
