package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchProgress;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;

/**
 * Runs one pass over a batch, as {@code mailferry batch start} does, in a job: the Progress view and the status line
 * show it, and cancelling it (the Stop action, or the Progress view's stop button) stops the pass at its next safe
 * point, resumably. The project is opened for writing only for the pass, so the command line can work on it otherwise.
 */
final class BatchPassJob extends Job {

    /** The job family of one batch's pass: finds the running pass of a batch without keeping a registry. */
    record Family(Path folder, String batch) {
        Family {
            folder = folder.toAbsolutePath().normalize();
        }
    }

    /** The family of every pass this workbench runs, to ask before the workbench closes. */
    static final Object ALL_PASSES = new Object();

    private final Family family;
    private final MigrationListener listener;
    private final Consumer<String> problems;

    /**
     * @param listener gets the engine's events on the copy threads (it must hand them to the UI thread itself)
     * @param problems gets why the pass could not run or ended early, in one sentence, on the job's thread
     */
    BatchPassJob(Path folder, String batch, MigrationListener listener, Consumer<String> problems) {
        super("Batch '" + batch + "': sync pass");
        this.family = new Family(folder, batch);
        this.listener = listener;
        this.problems = problems;
        setUser(false);
        setPriority(LONG);
    }

    /** The pass of this batch that this workbench runs now, if any. */
    static BatchPassJob running(Path folder, String batch) {
        Family wanted = new Family(folder, batch);
        return Arrays.stream(Job.getJobManager().find(wanted)).map(BatchPassJob.class::cast).findFirst().orElse(null);
    }

    @Override
    public boolean belongsTo(Object candidate) {
        return family.equals(candidate) || candidate == ALL_PASSES;
    }

    @Override
    protected IStatus run(IProgressMonitor monitor) {
        BatchProgress progress = new BatchProgress();
        try (MigrationProject reader = MigrationProject.openReadOnly(family.folder())) {
            if (reader.passMayRun(family.batch())) {
                // the command line (or another workbench) runs it: never a second pass over the same batch
                problems.accept("A pass over it is already running outside this workbench (e.g. the command line);"
                        + " its progress shows here");
                return Status.OK_STATUS;
            }
        } catch (MigrationException e) {
            problems.accept(e.getMessage());
            return Status.OK_STATUS;
        }
        try (MigrationProject project = MigrationProject.open(family.folder())) {
            if (project.batch(family.batch()).isEmpty()) {
                problems.accept("The batch '" + family.batch() + "' is not in the project");
                return Status.OK_STATUS;
            }
            int mailboxes = project.batch(family.batch()).get().mailboxes().size();
            monitor.beginTask(getName(), Math.max(mailboxes, 1));
            MigrationEngine engine = EngineServices.engine();
            MigrationListener both = new MigrationListener() {
                @Override
                public void batchStarted(String batch, int count, boolean finalPass) {
                    progress.batchStarted(batch, count, finalPass);
                    listener.batchStarted(batch, count, finalPass);
                }

                @Override
                public void mailboxStarted(String emailAddress) {
                    listener.mailboxStarted(emailAddress);
                }

                @Override
                public void mailboxPlanned(String emailAddress, long messages, long bytes) {
                    progress.mailboxPlanned(emailAddress, messages, bytes);
                }

                @Override
                public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
                    progress.messageCopied(emailAddress, source, message);
                    listener.messageCopied(emailAddress, source, message);
                }

                @Override
                public void mailboxFinished(MailboxStatus status) {
                    progress.mailboxFinished(status);
                    listener.mailboxFinished(status);
                    monitor.worked(1);
                    BatchProgress.Snapshot s = progress.snapshot();
                    monitor.subTask(s.mailboxesDone() + " of " + s.mailboxesTotal() + " mailboxes, "
                            + s.copiedMessages() + " messages copied");
                }

                @Override
                public void batchFinished(BatchRunResult result) {
                    listener.batchFinished(result);
                }
            };
            BatchRunResult result = engine.sync(project, family.batch(), EngineServices.secrets(), both, monitor::isCanceled);
            if (result.unreachable() != null) {
                problems.accept(result.unreachable());
            }
            return monitor.isCanceled() ? Status.CANCEL_STATUS : Status.OK_STATUS;
        } catch (MigrationException | RuntimeException e) {
            // shown in the Mailboxes view where the user started the pass; a job error would open a dialog with a trace
            problems.accept(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return Status.OK_STATUS;
        } finally {
            monitor.done();
        }
    }
}
