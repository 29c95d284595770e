package dev.mailferry.ui.internal;

import java.util.function.Function;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.part.ViewPart;

/**
 * A view that shows what another view selects (a batch in the Projects view, a mailbox in the Mailboxes view) and
 * follows the passes over it, run in this workbench ({@link PassFollower}) or by another process
 * ({@link OutsidePassWatch}). Closing the view ends only its listening: a pass goes on.
 *
 * @param <T> what the view shows of a selection: a batch, a mailbox
 */
abstract class SelectionFollowingView<T> extends ViewPart {

    private final String followedViewId;
    private final Function<ISelection, T> picker;
    private final ISelectionListener selectionListener = this::selectionChanged;
    private PassFollower follower;
    private OutsidePassWatch outside;
    /** What the view shows; read from any thread. */
    private volatile T shown;

    /**
     * @param followedViewId the view whose selection this one shows
     * @param picker         what this view shows of a selection there, or null when nothing
     */
    SelectionFollowingView(String followedViewId, Function<ISelection, T> picker) {
        this.followedViewId = followedViewId;
        this.picker = picker;
    }

    /** Starts following the other view's selection and shows what it selects now; called once the controls exist. */
    final void follow(PassFollower passes, OutsidePassWatch outsidePasses) {
        this.follower = passes;
        this.outside = outsidePasses;
        getSite().getPage().addSelectionListener(followedViewId, selectionListener);
        ISelection current = getSite().getPage().getSelection(followedViewId);
        if (current != null) {
            selectionChanged(null, current);
        }
    }

    /** Shows {@code next}, just selected in the other view and not what the view showed; on the UI thread. */
    abstract void showSelected(T next);

    /** What the view shows now, or null before the first selection; callable from any thread. */
    final T shown() {
        return shown;
    }

    /** The other view selected something: shown when it is something this view shows, and something else. */
    private void selectionChanged(IWorkbenchPart part, ISelection selection) {
        T next = picker.apply(selection);
        if (next == null || next.equals(shown)) {
            return;
        }
        shown = next;
        showSelected(next);
    }

    @Override
    public void dispose() {
        getSite().getPage().removeSelectionListener(followedViewId, selectionListener);
        if (follower != null) {
            follower.close();
        }
        if (outside != null) {
            outside.close();
        }
        super.dispose();
    }
}
