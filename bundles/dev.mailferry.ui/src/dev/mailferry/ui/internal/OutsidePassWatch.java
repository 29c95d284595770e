package dev.mailferry.ui.internal;

import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.Display;

/**
 * Watches, for a view, whether a pass over its batch runs outside this workbench (the command line, another
 * workbench): such a pass sends this process no events, so while it runs the view reads the project again each
 * {@value #RUNNING_MILLIS} ms, and once more when it ended. Between passes it only looks every {@value #IDLE_MILLIS} ms.
 */
final class OutsidePassWatch implements AutoCloseable {

    static final int RUNNING_MILLIS = 1_000;
    static final int IDLE_MILLIS = 3_000;

    /** Called on a job's thread with the project open read-only; hands what it read to the UI thread itself. */
    interface Tick {
        void read(MigrationProject project, BatchRef batch, boolean runsOutside, boolean justEnded) throws MigrationException;
    }

    private final Display display;
    private final Tick tick;
    private final Runnable check = this::check;
    private volatile BatchRef watched;
    private volatile boolean wasRunning;
    private volatile boolean closed;

    OutsidePassWatch(Display display, Tick tick) {
        this.display = display;
        this.tick = tick;
    }

    /** Watches {@code batch} from now on (null: nothing). Call on the UI thread. */
    void watch(BatchRef batch) {
        watched = batch;
        wasRunning = false;
        display.timerExec(-1, check);
        if (batch != null) {
            check();
        }
    }

    private void check() {
        BatchRef batch = watched;
        if (batch == null || closed) {
            return;
        }
        Job job = Job.create("Watching batch '" + batch.batch() + "'", monitor -> {
            boolean runs = false;
            try (MigrationProject project = MigrationProject.openReadOnly(batch.folder())) {
                runs = project.passMayRun(batch.batch()) && BatchPassJob.running(batch.folder(), batch.batch()) == null;
                boolean ended = wasRunning && !runs;
                if (batch.equals(watched)) {
                    wasRunning = runs;
                    if (runs || ended) {
                        tick.read(project, batch, runs, ended);
                    }
                }
            } catch (MigrationException | RuntimeException e) {
                // the view's own reads say what is wrong with the project; watching goes on
            }
            boolean running = runs;
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    if (!closed && batch.equals(watched)) {
                        display.timerExec(running ? RUNNING_MILLIS : IDLE_MILLIS, check);
                    }
                });
            }
        });
        job.setSystem(true);
        job.schedule();
    }

    @Override
    public void close() {
        closed = true;
        watched = null;
        if (!display.isDisposed()) {
            display.timerExec(-1, check);
        }
    }
}
