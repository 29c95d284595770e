package dev.mailferry.ui.internal;

import java.lang.reflect.InvocationTargetException;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.dialogs.ProgressMonitorDialog;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;

/** Opens one window on the migration perspective; closing it during a pass asks, then stops the pass cleanly. */
final class MailferryWorkbenchAdvisor extends WorkbenchAdvisor {

    @Override
    public void initialize(IWorkbenchConfigurer configurer) {
        configurer.setSaveAndRestore(false);
    }

    @Override
    public String getInitialWindowPerspectiveId() {
        return MigrationPerspective.ID;
    }

    @Override
    public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        return new WorkbenchWindowAdvisor(configurer) {
            @Override
            public void preWindowOpen() {
                IWorkbenchWindowConfigurer window = getWindowConfigurer();
                window.setInitialSize(new Point(1100, 750));
                window.setShowStatusLine(true);
                window.setShowProgressIndicator(true);
                window.setTitle("Mailferry");
            }
        };
    }

    @Override
    public boolean preShutdown() {
        Job[] passes = Job.getJobManager().find(BatchPassJob.ALL_PASSES);
        if (passes.length == 0) {
            return true;
        }
        Shell shell = PlatformUI.getWorkbench().getActiveWorkbenchWindow() == null ? null
                : PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        boolean stop = MessageDialog.openQuestion(shell, "Passes are running",
                (passes.length == 1 ? "A sync pass is" : passes.length + " sync passes are") + " running. Stop "
                        + (passes.length == 1 ? "it" : "them") + " at the next safe point and close Mailferry?\n\n"
                        + "The next start resumes where the pass stopped.");
        if (!stop) {
            return false;
        }
        for (Job pass : passes) {
            pass.cancel();
        }
        try {
            new ProgressMonitorDialog(shell).run(true, false,
                    monitor -> Job.getJobManager().join(BatchPassJob.ALL_PASSES, monitor));
        } catch (InvocationTargetException e) {
            return true; // the passes are asked to stop; whatever they did not record, the next start resumes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
