package dev.mailferry.ui.internal;

import dev.mailferry.engine.MigrationException;
import java.io.IOException;
import java.util.function.Consumer;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.wizard.IWizard;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;

/**
 * Opens a wizard whose content must first be read from the project and the engine (connectors, mailboxes): the read
 * runs in a job, never on the UI thread, and the wizard opens when it is done. The dialog is modal but does not block
 * the caller, so the workbench's event loop keeps running it.
 */
final class WizardLauncher {

    /** Reads what a wizard needs; a failure's message is shown instead of the wizard. */
    interface Reading {
        IWizard read() throws MigrationException, IOException;
    }

    private WizardLauncher() {
    }

    /**
     * @param problems gets why the wizard could not be opened, in one sentence, on the UI thread
     */
    static void open(Shell parent, String what, Reading reading, Consumer<String> problems) {
        Display display = parent.getDisplay();
        Job job = Job.create("Reading " + what, monitor -> {
            IWizard wizard;
            try {
                wizard = reading.read();
            } catch (MigrationException | IOException | RuntimeException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                display.asyncExec(() -> problems.accept("Cannot open " + what + ": " + reason));
                return Status.OK_STATUS;
            }
            display.asyncExec(() -> {
                if (parent.isDisposed()) {
                    return;
                }
                WizardDialog dialog = wizard instanceof DialogProvider provider ? provider.dialog(parent)
                        : new WizardDialog(parent, wizard);
                dialog.setBlockOnOpen(false);
                dialog.open();
            });
            return Status.OK_STATUS;
        });
        job.setSystem(true);
        job.schedule();
    }

    /** A wizard that wants a dialog of its own (e.g. to name its Finish button). */
    interface DialogProvider {
        WizardDialog dialog(Shell parent);
    }
}
