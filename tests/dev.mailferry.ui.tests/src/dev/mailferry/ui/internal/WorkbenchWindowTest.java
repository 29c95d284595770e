package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;

/** The workbench starts on a real display (Xvfb in CI) and opens its window on the migration perspective. */
class WorkbenchWindowTest {

    @Test
    void windowOpensOnTheMigrationPerspective() {
        assertTrue(PlatformUI.isWorkbenchRunning());
        IWorkbenchWindow[] windows = PlatformUI.getWorkbench().getWorkbenchWindows();
        assertEquals(1, windows.length);
        Shell shell = windows[0].getShell();
        assertFalse(shell.isDisposed());
        assertTrue(shell.isVisible());
        assertEquals("Mailferry", shell.getText());
        assertEquals(MigrationPerspective.ID, windows[0].getActivePage().getPerspective().getId());
    }
}
