package dev.mailferry.ui.internal;

import org.eclipse.jface.viewers.ISelection;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.part.ViewPart;

/**
 * A view that shows what another view selects (a batch in the Projects view, a mailbox in the Mailboxes view) and
 * follows the passes over it, run in this workbench ({@link PassFollower}) or by another process
 * ({@link OutsidePassWatch}). Closing the view ends only its listening: a pass goes on.
 */
abstract class SelectionFollowingView extends ViewPart {

    private final String followedViewId;
    private final ISelectionListener selectionListener = this::selectionChanged;
    private PassFollower follower;
    private OutsidePassWatch outside;

    SelectionFollowingView(String followedViewId) {
        this.followedViewId = followedViewId;
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

    /** The other view selected something (not necessarily something this view shows). */
    abstract void selectionChanged(IWorkbenchPart part, ISelection selection);

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
