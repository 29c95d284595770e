package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationListener;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    private final Runnable changed;
    private final Consumer<String> problems;
    /** The mailboxes this pass goes over, or null for the whole batch. */
    private final Set<String> mailboxes;
    /** The final pass of {@code batch complete}: the batch is COMPLETED after it unless it was stopped or failed. */
    private final boolean finalPass;
    private final Set<String> stoppedMailboxes = ConcurrentHashMap.newKeySet();
    /** Views that follow the pass's events (batch log, folders, throughput); they come and go during the pass. */
    private final CopyOnWriteArrayList<MigrationListener> observers = new CopyOnWriteArrayList<>();

    /**
     * @param changed  called on the copy threads whenever the pass changed what the mailbox table shows; it must return
     *                 at once and hand over to the UI thread itself
     * @param problems gets why the pass could not run or ended early, in one sentence, on the job's thread
     */
    BatchPassJob(Path folder, String batch, Runnable changed, Consumer<String> problems) {
        this(folder, batch, null, changed, problems);
    }

    /** A pass over some mailboxes of the batch only ({@code mailboxes} null: all of them). */
    BatchPassJob(Path folder, String batch, Collection<String> mailboxes, Runnable changed, Consumer<String> problems) {
        this(folder, batch, mailboxes, false, changed, problems);
    }

    /** The final pass over the whole batch, as {@code mailferry batch complete} runs it once its MX check passed. */
    static BatchPassJob finalPass(Path folder, String batch, Runnable changed, Consumer<String> problems) {
        return new BatchPassJob(folder, batch, null, true, changed, problems);
    }

    private BatchPassJob(Path folder, String batch, Collection<String> mailboxes, boolean finalPass, Runnable changed,
            Consumer<String> problems) {
        super("Batch '" + batch + "': " + (finalPass ? "final pass (complete)" : "sync pass") + (mailboxes == null ? ""
                : " over " + (mailboxes.size() == 1 ? mailboxes.iterator().next() : mailboxes.size() + " mailboxes")));
        this.family = new Family(folder, batch);
        this.mailboxes = mailboxes == null ? null : Set.copyOf(mailboxes);
        this.finalPass = finalPass;
        this.changed = changed;
        this.problems = problems;
        setUser(false);
        setPriority(LONG);
    }

    /** The pass of this batch that this workbench runs now, if any. */
    static BatchPassJob running(Path folder, String batch) {
        Family wanted = new Family(folder, batch);
        return Arrays.stream(Job.getJobManager().find(wanted)).map(BatchPassJob.class::cast).findFirst().orElse(null);
    }

    Family family() {
        return family;
    }

    /** Stops these mailboxes at their next safe point; the rest of the pass goes on. */
    void stopMailboxes(Collection<String> emailAddresses) {
        stoppedMailboxes.addAll(emailAddresses);
    }

    /** {@code observer} hears the pass's events from now on, on the copy threads; it must return at once. */
    void addObserver(MigrationListener observer) {
        observers.addIfAbsent(observer);
    }

    void removeObserver(MigrationListener observer) {
        observers.remove(observer);
    }

    /** Calls {@code event} on every observer; one that fails does not hold up the pass or the others. */
    private void tell(Consumer<MigrationListener> event) {
        for (MigrationListener observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException e) {
                // a view's bug must not end a migration pass; the view shows what it has
            }
        }
    }

    @Override
    public boolean belongsTo(Object candidate) {
        return family.equals(candidate) || candidate == ALL_PASSES;
    }

    @Override
    protected IStatus run(IProgressMonitor monitor) {
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
            int mailboxes = this.mailboxes == null ? project.batch(family.batch()).get().mailboxes().size()
                    : this.mailboxes.size();
            monitor.beginTask(getName(), Math.max(mailboxes, 1));
            MigrationEngine engine = EngineServices.engine();
            MigrationListener reporting = new MigrationListener() {
                private final AtomicInteger mailboxesDone = new AtomicInteger();
                private final AtomicLong messagesCopied = new AtomicLong();

                @Override
                public void batchStarted(String batch, int count, boolean finalPass) {
                    tell(o -> o.batchStarted(batch, count, finalPass));
                    changed.run();
                }

                @Override
                public void mailboxStarted(String emailAddress) {
                    tell(o -> o.mailboxStarted(emailAddress));
                    changed.run();
                }

                @Override
                public void mailboxPlanned(String emailAddress, long messages, long bytes) {
                    tell(o -> o.mailboxPlanned(emailAddress, messages, bytes));
                }

                @Override
                public void folderStarted(String emailAddress, FolderPath source, FolderPath target, long messages) {
                    tell(o -> o.folderStarted(emailAddress, source, target, messages));
                }

                @Override
                public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
                    messagesCopied.incrementAndGet();
                    tell(o -> o.messageCopied(emailAddress, source, message));
                    changed.run();
                }

                @Override
                public void messageSkipped(String emailAddress, FolderPath source, MessageInfo message, String reason) {
                    tell(o -> o.messageSkipped(emailAddress, source, message, reason));
                }

                @Override
                public void messageFailed(String emailAddress, FolderPath source, MessageInfo message, String reason) {
                    tell(o -> o.messageFailed(emailAddress, source, message, reason));
                }

                @Override
                public void folderFinished(String emailAddress, FolderStatus status) {
                    tell(o -> o.folderFinished(emailAddress, status));
                }

                @Override
                public void notice(String emailAddress, String text) {
                    tell(o -> o.notice(emailAddress, text));
                }

                @Override
                public void mailboxThrottled(String emailAddress, String reason, Duration delay) {
                    tell(o -> o.mailboxThrottled(emailAddress, reason, delay));
                }

                @Override
                public void mailboxRetrying(String emailAddress, int attempt, String reason, Duration delay) {
                    tell(o -> o.mailboxRetrying(emailAddress, attempt, reason, delay));
                }

                @Override
                public void mailboxFinished(MailboxStatus status) {
                    monitor.worked(1);
                    monitor.subTask(mailboxesDone.incrementAndGet() + " of " + mailboxes + " mailboxes done, "
                            + messagesCopied.get() + " messages copied");
                    tell(o -> o.mailboxFinished(status));
                    changed.run();
                }

                @Override
                public void batchFinished(BatchRunResult result) {
                    tell(o -> o.batchFinished(result));
                    changed.run();
                }
            };
            BatchRunResult result = finalPass
                    ? engine.complete(project, family.batch(), EngineServices.secrets(), reporting, monitor::isCanceled)
                    : engine.sync(project, family.batch(), this.mailboxes, EngineServices.secrets(), reporting,
                            monitor::isCanceled, stoppedMailboxes::contains);
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
