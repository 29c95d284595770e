package dev.mailferry.ui.internal;

import dev.mailferry.engine.MigrationListener;
import org.eclipse.core.runtime.jobs.IJobChangeEvent;
import org.eclipse.core.runtime.jobs.IJobChangeListener;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.jobs.JobChangeAdapter;

/**
 * Lets a view hear the events of the passes this workbench runs over one batch: the pass running now, and every pass
 * started later (found through the job manager, so no registry of passes is needed). A pass keeps running when the
 * view closes; the view only stops listening.
 */
final class PassFollower implements AutoCloseable {

    private final MigrationListener observer;
    private volatile BatchRef followed;
    private final IJobChangeListener jobs = new JobChangeAdapter() {
        @Override
        public void scheduled(IJobChangeEvent event) {
            BatchRef batch = followed;
            if (event.getJob() instanceof BatchPassJob pass && batch != null && pass.family().equals(batch.family())) {
                pass.addObserver(observer);
            }
        }

        @Override
        public void done(IJobChangeEvent event) {
            if (event.getJob() instanceof BatchPassJob pass) {
                pass.removeObserver(observer);
            }
        }
    };

    /** {@code observer} is called on the copy threads and must hand over to the UI thread itself. */
    PassFollower(MigrationListener observer) {
        this.observer = observer;
        Job.getJobManager().addJobChangeListener(jobs);
    }

    /** Listens to the passes over {@code batch} from now on (null: none); whether one runs now is returned. */
    boolean follow(BatchRef batch) {
        BatchRef before = followed;
        if (before != null) {
            BatchPassJob old = BatchPassJob.running(before.folder(), before.batch());
            if (old != null) {
                old.removeObserver(observer);
            }
        }
        followed = batch;
        if (batch == null) {
            return false;
        }
        BatchPassJob running = BatchPassJob.running(batch.folder(), batch.batch());
        if (running != null) {
            running.addObserver(observer);
        }
        return running != null;
    }

    @Override
    public void close() {
        Job.getJobManager().removeJobChangeListener(jobs);
        follow(null);
    }
}
